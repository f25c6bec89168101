/* "Show N earlier comments / questions" on a thread that shows one batch at a time.
 *
 * Without this script the link opens the page with the earlier batch (?comments=2 …).
 * With it, the earlier batch is read from that same page and put above the ones shown,
 * so nothing typed in the page's forms is lost; focus moves to the first added item,
 * and the link is replaced by the one for the batch before (or goes at the last batch).
 * Markup: [data-thread=NAME] holds [data-thread-earlier] (wrapping the link
 * a[data-thread-more=NAME]) and the [data-thread-item] rows.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-thread-more]");
    if (!link || !window.fetch || !window.DOMParser || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var name = link.dataset.threadMore;
    var thread = document.querySelector('[data-thread="' + name + '"]');
    var holder = link.closest("[data-thread-earlier]");
    if (!thread || !holder) { return; }
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") { return; }
    link.setAttribute("aria-disabled", "true");
    thread.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var earlier = page.querySelector('[data-thread="' + name + '"]');
        if (!earlier) { throw new Error("no thread"); }
        var items = earlier.querySelectorAll("[data-thread-item]");
        var first = null;
        var anchor = holder.nextSibling;
        items.forEach(function (item) {
          if (document.getElementById(item.id)) { return; }  // posted meanwhile: shown already
          var node = document.importNode(item, true);
          thread.insertBefore(node, anchor);
          first = first || node;
        });
        var next = earlier.querySelector("[data-thread-earlier]");
        if (next) { holder.replaceWith(document.importNode(next, true)); } else { holder.remove(); }
        thread.removeAttribute("aria-busy");
        if (first) {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
