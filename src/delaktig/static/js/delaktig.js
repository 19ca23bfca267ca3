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
