// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";

  function focusFeedback(root) {
    var target = root.querySelector(".error-summary, [role='status']");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });

  // After htmx swaps a fragment in, move focus to its message so screen readers hear it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id !== "results") {
      var swapped = document.getElementById(event.detail.target.id) || document.body;
      focusFeedback(swapped);
    }
  });
})();
