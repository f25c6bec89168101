/* The error summary of long forms (templates/includes/_error_summary.html).
 *
 * On load the focus moves to the first summary on the page, so a screen reader
 * reads it and the page opens where the problem is said, not 3,000 px above it.
 * Its links move the focus to the field (or section) they name, with the field's
 * label scrolled into view above it. A summary added later by a script (the bid
 * form's edit conflict) is focused by that script; its links work the same way.
 */
(function () {
  "use strict";

  var FOCUSABLE = "input, select, textarea, button, a[href], [tabindex]";

  function moveTo(target) {
    if (!target.matches(FOCUSABLE)) { target.setAttribute("tabindex", "-1"); }
    var label = target.id && document.querySelector("label[for='" + target.id + "']");
    var legend = !label && target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
    // "instant": the page's smooth scrolling would leave the focus moving under the reader.
    (label || legend || target).scrollIntoView({ block: "start", behavior: "instant" });
    target.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    event.preventDefault();
    moveTo(target);
  });

  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
