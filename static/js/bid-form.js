/* The bid form: rows added on the page, and autosave.
 *
 * Autosave posts the step's form to its own URL with "X-Autosave: 1" a few
 * seconds after typing stops, and at the latest 20 s after the first unsaved
 * change, so at most ~20 s of typing can be lost; hiding or closing the page
 * sends what is unsaved once more (visibilitychange). Nothing is kept in the
 * browser's storage: the draft lives on the server only. A conflict (a
 * colleague saved the step meanwhile) stops autosave: the server's 409 carries
 * the conflict panel (templates/includes/_edit_conflict.html), shown at the top
 * with the colleague's version beside the typing and the choice; autosave stays
 * off while the panel is on the page (also when the server rendered it), since
 * only "Keep my version" or "Take their version" may end a conflict.
 */
(function () {
  "use strict";

  function addRow(button) {
    var box = button.parentElement;
    var template = box.querySelector("template[data-empty-row]");
    var total = box.querySelector("input[name$='-TOTAL_FORMS']");
    var max = box.querySelector("input[name$='-MAX_NUM_FORMS']");
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
    box.querySelector("[data-rows]").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = box.querySelectorAll("[data-row]");
    var first = rows[rows.length - 1].querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { addRow(button); });
  });

  /* Uploads with a progress bar: on a slow connection a 10 MB file takes minutes,
   * and without feedback people give up or send it twice. Without this script the
   * form posts as usual. */
  document.querySelectorAll("form[data-upload]").forEach(function (upload) {
    if (!window.XMLHttpRequest || !window.FormData) { return; }
    var box = upload.querySelector("[data-upload-progress]");
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-upload-percent]");
    var errors = upload.querySelector("[data-upload-errors]");
    var button = upload.querySelector("button[type=submit]");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", upload.action);
      request.setRequestHeader("X-Upload", "1");
      request.responseType = "json";
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var value = Math.floor(e.loaded * 100 / e.total);
        bar.value = value;
        percent.textContent = String(value);
      });
      function fail(messages) {
        box.hidden = true;
        button.disabled = false;
        errors.textContent = "";
        messages.forEach(function (text) {
          var line = document.createElement("div");
          line.textContent = text;
          errors.appendChild(line);
        });
        errors.hidden = false;
      }
      request.addEventListener("load", function () {
        var body = request.response || {};
        if (request.status === 200 && body.redirect) { window.location.assign(body.redirect); return; }
        fail(body.errors && body.errors.length ? body.errors : [upload.dataset.failed]);
      });
      request.addEventListener("error", function () { fail([upload.dataset.failed]); });
      errors.hidden = true;
      box.hidden = false;
      button.disabled = true;
      request.send(new FormData(upload));
    });
  });

  /* A button that submits once: a second click while the page loads does nothing. */
  document.querySelectorAll("form[data-once]").forEach(function (once) {
    once.addEventListener("submit", function () {
      var button = once.querySelector("button[type=submit]");
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  var form = document.querySelector("form[data-autosave]");
  var status = document.querySelector("[data-autosave-status]");
  if (!form || !status || !window.fetch || !window.FormData) { return; }

  var IDLE_MS = 4000, MAX_WAIT_MS = 20000, RETRY_MS = 15000;
  var dirty = false, saving = false, stopped = false, firstChange = 0, timer = null, pending = null;

  function show(text, bad) {
    status.textContent = text;
    status.classList.toggle("text-danger", !!bad);
    status.classList.toggle("text-body-secondary", !bad);
  }

  function schedule() {
    dirty = true;  // also while stopped, so leaving the page still warns
    if (stopped) { return; }
    var now = Date.now();
    if (!firstChange) { firstChange = now; }
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(0, Math.min(IDLE_MS, MAX_WAIT_MS - (now - firstChange))));
  }

  function save() {
    if (!dirty || stopped) { return; }
    if (saving) { timer = setTimeout(save, 1000); return; }
    saving = true;
    dirty = false;
    firstChange = 0;
    show(status.dataset.saving);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.redirected || !json) {
        // The session ended (a redirect to the login page) or a proxy answered.
        return { code: 401, body: { error: status.dataset.loggedOut } };
      }
      return response.json().then(function (body) { return { code: response.status, body: body }; });
    }).then(function (result) {
      if (result.code === 200 && result.body.saved) {
        form.elements.version.value = result.body.version;
        show(result.body.message);
      } else if (result.code === 409) {
        stopped = true;
        dirty = true;  // nothing was saved
        var panel = result.body.html && window.portalEditConflict &&
          window.portalEditConflict.show(result.body.html);
        show(panel ? status.dataset.conflict : result.body.error, true);
      } else {
        dirty = true;
        show(result.body.error || status.dataset.failed, true);
      }
    }).catch(function () {
      dirty = true;
      show(status.dataset.offline, true);
      timer = setTimeout(save, RETRY_MS);
    }).then(function () {
      saving = false;
      if (pending) { var submitter = pending; pending = null; form.requestSubmit(submitter); }
    });
  }

  if (document.querySelector("[data-edit-conflict]")) {
    stopped = true;
    show(status.dataset.conflict, true);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) {
    if (saving) {
      // Let the autosave finish first, or the form would carry an old version.
      event.preventDefault();
      pending = event.submitter || null;
      return;
    }
    clearTimeout(timer);
    dirty = false;
    stopped = true;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) { save(); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || saving) { event.preventDefault(); event.returnValue = ""; }
  });
})();
