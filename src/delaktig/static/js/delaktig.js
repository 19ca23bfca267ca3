// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";

  function focusFeedback(root) {
    var target = root.querySelector(".error-summary, [role='status'], [role='alert']");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  // Survey questions shown only after a given answer on the same page. Without this file
  // they are always shown, with a note saying when to answer them.
  function applyConditions(form) {
    var questions = form.querySelectorAll("[data-show-if]");
    Array.prototype.forEach.call(questions, function (question) {
      var inputs = form.querySelectorAll("[name='" + question.getAttribute("data-show-if") + "']");
      var wanted = question.getAttribute("data-show-if-value");
      var shown = Array.prototype.some.call(inputs, function (input) {
        return input.checked && input.value === wanted;
      });
      question.hidden = !shown;
      var note = question.querySelector(".condition");
      if (note) note.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    Array.prototype.forEach.call(document.querySelectorAll("form.survey-form"), function (form) {
      applyConditions(form);
      form.addEventListener("change", function () { applyConditions(form); });
    });
  });

  // A refusal from the server (core.middleware.DelaktigErrorMiddleware) comes as a 4xx with
  // its message, aimed at the page's message area: show it, where htmx would show nothing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget") === "#messages") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After htmx swaps a fragment in, move focus to its message so screen readers hear it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id !== "results") {
      var swapped = document.getElementById(event.detail.target.id) || document.body;
      focusFeedback(swapped);
    }
  });
})();

// Menus and filters that collapse on phones (<details>, see delaktig.css).
(function () {
  "use strict";
  var popups = "details.site-menu, details.language-switcher";
  // Escape closes the open header menu or language list and puts focus back on its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    Array.prototype.forEach.call(document.querySelectorAll(popups), function (popup) {
      var button = popup.querySelector("summary");
      if (popup.open && popup.contains(document.activeElement) && button.offsetParent) {
        popup.open = false;
        button.focus();
      }
    });
  });
  // On a phone both open over the page: opening one closes the other (a menu shown open on
  // wide screens has no visible button and stays).
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.open || !opened.matches || !opened.matches(popups)) return;
    Array.prototype.forEach.call(document.querySelectorAll(popups), function (other) {
      if (other !== opened && other.open && other.querySelector("summary").offsetParent) {
        other.open = false;
      }
    });
  }, true);
  // Browsers without ::details-content cannot show a closed one on wide screens: open it there.
  if (!window.CSS || !CSS.supports || CSS.supports("selector(::details-content)")) return;
  var wide = [["details.site-menu", "(min-width: 60rem)"],
    ["details.staff-menu, details.filter-disclosure", "(min-width: 48.01rem)"]];
  document.addEventListener("DOMContentLoaded", function () {
    wide.forEach(function (pair) {
      if (!window.matchMedia(pair[1]).matches) return;
      Array.prototype.forEach.call(document.querySelectorAll(pair[0]), function (el) { el.open = true; });
    });
  });
})();
