// The Markdown editor (core.widgets.MarkdownEditor), progressive enhancement only: without
// this file the field is a plain textarea with a "Förhandsgranska" submit button that the
// server answers with the same form and the text rendered. With it: a toolbar that inserts
// Markdown, and a preview that follows the typing, rendered by the server's own sanitising
// renderer (core.views.markdown_preview), so it shows exactly what will be published.
(function () {
  "use strict";

  var DELAY = 400; // ms of quiet before the preview is fetched

  function lineStart(text, index) {
    return text.lastIndexOf("\n", index - 1) + 1;
  }

  function lineEnd(text, index) {
    var end = text.indexOf("\n", index);
    return end === -1 ? text.length : end;
  }

  // Replace the text between start and end, keeping the browser's undo history where it can.
  function replace(textarea, start, end, text, selectFrom, selectTo) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var inserted = false;
    try {
      inserted = document.execCommand("insertText", false, text);
    } catch (error) {
      inserted = false;
    }
    if (!inserted || textarea.value.substring(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.setSelectionRange(selectFrom, selectTo);
  }

  function wrap(textarea, marker, placeholder) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var chosen = textarea.value.substring(start, end) || placeholder;
    var text = marker + chosen + marker;
    replace(textarea, start, end, text, start + marker.length, start + marker.length + chosen.length);
  }

  // Put a prefix before every line of the selection ("## ", "- ", "1. ", "> ").
  function prefixLines(textarea, prefixFor) {
    var value = textarea.value;
    var start = lineStart(value, textarea.selectionStart);
    var end = lineEnd(value, Math.max(textarea.selectionEnd, textarea.selectionStart));
    var lines = value.substring(start, end).split("\n");
    var text = lines.map(function (line, index) { return prefixFor(index) + line; }).join("\n");
    replace(textarea, start, end, text, start + text.length, start + text.length);
  }

  function link(textarea, placeholder) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var chosen = textarea.value.substring(start, end) || placeholder;
    var url = "https://";
    var text = "[" + chosen + "](" + url + ")";
    var urlAt = start + chosen.length + 3;
    replace(textarea, start, end, text, urlAt, urlAt + url.length);
  }

  var ACTIONS = {
    bold: function (t, words) { wrap(t, "**", words.bold); },
    italic: function (t, words) { wrap(t, "_", words.italic); },
    heading: function (t) { prefixLines(t, function () { return "## "; }); },
    bullets: function (t) { prefixLines(t, function () { return "- "; }); },
    numbers: function (t) { prefixLines(t, function (i) { return (i + 1) + ". "; }); },
    link: function (t, words) { link(t, words.link); },
    quote: function (t) { prefixLines(t, function () { return "> "; }); }
  };

  function csrfToken(editor) {
    var form = editor.closest("form");
    var input = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function setUp(editor) {
    var textarea = document.getElementById(editor.getAttribute("data-textarea"));
    var toolbar = editor.querySelector("[data-md-toolbar]");
    var preview = editor.querySelector("[data-md-preview]");
    var body = editor.querySelector("[data-md-preview-body]");
    if (!textarea || !toolbar || !preview || !body || !window.fetch) return;
    var words = {
      bold: editor.getAttribute("data-word-bold") || "text",
      italic: editor.getAttribute("data-word-italic") || "text",
      link: editor.getAttribute("data-word-link") || "text",
      empty: editor.getAttribute("data-word-empty") || "",
      failed: editor.getAttribute("data-word-failed") || ""
    };
    var url = editor.getAttribute("data-preview-url");
    var timer = null;
    var sent = 0;
    var shown = null;

    function refresh() {
      var text = textarea.value;
      if (text === shown) return;
      var number = ++sent;
      if (!text.trim()) { // nothing to ask the server about
        shown = text;
        body.textContent = words.empty;
        return;
      }
      var data = new FormData();
      data.append("text", text);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(editor) }
      }).then(function (response) {
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        if (number !== sent) return; // a later request is on its way
        shown = text;
        // Sanitised by the server (core/markdown.py: an allowlist, no scripts, no styles).
        if (html) body.innerHTML = html;
        else body.textContent = words.empty;
      }).catch(function () {
        if (number === sent) body.textContent = words.failed;
      });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    }

    // The toolbar and the live preview replace the submit button.
    Array.prototype.forEach.call(editor.querySelectorAll("[data-md-nojs]"), function (el) {
      el.parentNode.removeChild(el);
    });
    toolbar.hidden = false;
    preview.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-md-action]");
      if (!button) return;
      ACTIONS[button.getAttribute("data-md-action")](textarea, words);
    });
    textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        ACTIONS[key === "b" ? "bold" : "italic"](textarea, words);
      }
    });
    textarea.addEventListener("input", later);
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-markdown-editor]"), setUp);
  });
})();
