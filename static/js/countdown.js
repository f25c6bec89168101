// Live countdown to a deadline: <span data-countdown="ISO" data-now="server ISO" ...>.
// The server's time at render corrects a phone whose clock is wrong; units are
// abbreviations rendered by the template in the reader's language (no plurals).
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }

  document.querySelectorAll("[data-countdown]").forEach(function (box) {
    var deadline = Date.parse(box.dataset.countdown);
    var skew = Date.parse(box.dataset.now) - Date.now();
    var units = box.dataset.units.split("|");
    var text = box.querySelector("[data-countdown-text]");
    if (isNaN(deadline) || isNaN(skew) || !text) { return; }
    var timer = null;

    function render() {
      var left = Math.floor((deadline - (Date.now() + skew)) / 1000);
      if (left <= 0) {
        text.textContent = box.dataset.passed;
        box.classList.add("countdown-passed");
        window.clearInterval(timer);
        return;
      }
      var days = Math.floor(left / 86400);
      var hours = Math.floor(left % 86400 / 3600);
      var minutes = Math.floor(left % 3600 / 60);
      var seconds = left % 60;
      var parts = [];
      if (days) { parts.push(days + "\u00a0" + units[0]); }
      parts.push(pad(hours) + "\u00a0" + units[1], pad(minutes) + "\u00a0" + units[2]);
      if (!days) { parts.push(pad(seconds) + "\u00a0" + units[3]); }
      text.textContent = box.dataset.prefix + " " + parts.join(" ");
      box.classList.toggle("countdown-soon", left < 86400);
    }
    render();
    timer = window.setInterval(render, 1000);
  });
})();
