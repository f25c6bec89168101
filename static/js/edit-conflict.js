/* The edit conflict panel (templates/includes/_edit_conflict.html).
 *
 * "Take their version" asks first: it throws away what was typed in the step.
 * An autosaving form that gets a 409 with the panel's HTML shows it with
 * portalEditConflict.show(html): at the top of the page ([data-conflict-slot]),
 * focused, so it is read out and seen where the error summary would be.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-edit-conflict] [data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });

  window.portalEditConflict = {
    show: function (html) {
      var slot = document.querySelector("[data-conflict-slot]");
      if (!slot || !html) { return null; }
      slot.innerHTML = html;
      var panel = slot.querySelector("[data-edit-conflict]");
      if (panel) { panel.focus(); }
      return panel;
    }
  };
})();
