// Live meetings in the browser. Everything here is an enhancement: every form also works
// as a plain HTML form. live.js swaps the server-rendered fragments; this module
//  - counts timers down locally from the server's timestamps (data-ends, data-now), so
//    every screen shows the same time;
//  - sends forms marked .js-async with fetch and shows the answer without a page load;
//  - refreshes the facilitator's control panel when the meeting changes;
//  - saves the note-taker's notes as they type, keeping a local copy until the server
//    has them, so nothing is lost on a lost connection or a reload.
(function () {
  "use strict";
  var offset = 0; // server clock minus this clock, in ms

  function setOffset(serverNow) {
    if (typeof serverNow === "number" && serverNow > 0) offset = serverNow - Date.now();
  }

  var screens = document.querySelector(".m-screens[data-now], .console-panel[data-now]");
  if (screens) setOffset(parseInt(screens.dataset.now, 10));

  function clock(ms) {
    var seconds = Math.round(ms / 1000);
    var sign = seconds < 0 ? "-" : "";
    seconds = Math.abs(seconds);
    var rest = seconds % 60;
    return sign + Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll(".timer[data-ends]").forEach(function (el) {
      var ends = parseInt(el.dataset.ends, 10);
      if (!ends) return;
      var left = ends - now;
      el.textContent = clock(left);
      if (left <= 0 && !el.classList.contains("over")) {
        el.classList.add("over");
        if (el.dataset.over && !el.parentNode.querySelector(".time-up")) {
          var note = document.createElement("span");
          note.className = "time-up";
          note.textContent = " " + el.dataset.over;
          el.parentNode.appendChild(note);
        }
      }
    });
  }
  setInterval(tick, 250);

  // -- my place in the queue (member page) -------------------------------------------
  var meeting = document.querySelector(".meeting[data-me]");
  var hadPlace = false;
  function myPlace() {
    if (!meeting) return;
    var place = document.querySelector(".my-place");
    if (!place) return;
    var items = document.querySelectorAll("#m-queue li[data-member]");
    var index = -1;
    items.forEach(function (li, i) {
      if (li.dataset.member === meeting.dataset.me) index = i;
    });
    if (index >= 0) {
      hadPlace = true;
      place.textContent = meeting.dataset.yourTurn + " " + (index + 1);
    } else if (hadPlace) {
      // Called or removed: show the raise-hand buttons again.
      location.reload();
    }
  }
  myPlace();

  // -- the facilitator's panel -------------------------------------------------------
  var consoleEl = document.querySelector(".console[data-panel-url]");
  var panel = document.getElementById("console-panel");
  var refreshing = false;
  var again = false;

  function typingIn(el) {
    var active = document.activeElement;
    return active && el.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) &&
      active.type !== "hidden" && active.type !== "submit";
  }

  function refreshPanel() {
    if (!consoleEl || !panel) return;
    // Not while someone types in it, nor while a confirmation dialog waits for an
    // answer about one of its forms (the form must still be there when they say yes).
    if (refreshing || typingIn(panel) || document.querySelector("dialog.confirm-dialog[open]")) {
      again = true;
      return;
    }
    refreshing = true;
    fetch(consoleEl.dataset.panelUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        // Asked before the dialog opened (or the typing began): swapping now would take
        // the form away from under it (a detached form does not send). Later instead.
        if (typingIn(panel) || document.querySelector("dialog.confirm-dialog[open]")) {
          again = true;
          return;
        }
        panel.innerHTML = html;
        document.dispatchEvent(new CustomEvent("console:swapped"));
      })
      .catch(function () { again = true; })
      .then(function () {
        refreshing = false;
        if (again) { again = false; setTimeout(refreshPanel, 300); }
      });
  }
  if (panel) panel.addEventListener("focusout", function () { if (again) setTimeout(refreshPanel, 50); });
  document.addEventListener("confirm:closed", function () { if (again) setTimeout(refreshPanel, 50); });

  // The console's "open a vote" question follows the item under discussion, unless the
  // facilitator has written their own.
  var question = document.querySelector("input[data-follows-item]");
  if (question) question.dataset.filled = question.value;
  function followItem(data) {
    if (!question || typeof data.item_title !== "string") return;
    if (question.value !== question.dataset.filled) return; // edited by hand: leave it
    question.value = data.item_title;
    question.dataset.filled = data.item_title;
  }

  document.addEventListener("live:event", function (event) {
    var message = event.detail || {};
    if (message.type !== "meeting.state") return;
    var data = message.data || {};
    setOffset(data.now);
    followItem(data);
    // The meeting started or ended: the page's forms change, so load it afresh.
    var page = document.querySelector(".meeting[data-state]");
    if (page && data.state && data.state !== page.dataset.state) { location.reload(); return; }
    tick();
    myPlace();
    refreshPanel();
  });

  // -- forms sent with fetch ---------------------------------------------------------
  var statusEl = document.querySelector(".console-status");
  function say(text, failed, form) {
    var target = statusEl;
    // A form below the console's first screen answers right under itself, so that the
    // facilitator sees the answer where they are and the page does not jump.
    if (form && form.closest && form.closest(".console-tools")) {
      target = form.nextElementSibling;
      if (!target || !target.classList.contains("form-answer")) {
        target = document.createElement("p");
        target.className = "form-answer console-status";
        target.setAttribute("role", "status");
        form.parentNode.insertBefore(target, form.nextSibling);
      }
    }
    if (!target) { if (text) alert(text); return; }
    target.textContent = text || "";
    target.hidden = !text;
    target.classList.toggle("error", !!failed);
  }

  // A form that created something gets a new idempotency key, so that its next use
  // creates the next thing; a retry of the same submission keeps the key it was sent with.
  function renewKey(form) {
    var field = form.querySelector('input[name="idempotency_key"]');
    if (!field || !window.crypto || !crypto.getRandomValues) return;
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    field.value = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-async") || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: "" }; });
    }).then(function (answer) {
      if (answer.ok && form.hasAttribute("data-reset")) form.reset();
      if (answer.ok) renewKey(form);
      if (!consoleEl) {
        if (answer.ok) location.reload(); else say(answer.message, true);
        return;
      }
      say(answer.message, !answer.ok, form);
      refreshPanel();
    }).catch(function () {
      form.submit(); // no answer: fall back to the plain form
    }).then(function () {
      buttons.forEach(function (b) { b.disabled = false; });
    });
  });

  // -- notes saved as they type ------------------------------------------------------
  document.querySelectorAll("form.notes-form").forEach(function (form) {
    var area = form.querySelector("textarea");
    var state = form.querySelector(".save-state");
    var key = "asamblea-notes:" + form.action;
    var timer = null;
    var saving = false;
    var dirty = false;
    if (!area || area.readOnly) return;

    function show(text) { if (state) state.textContent = text || ""; }

    function save() {
      if (saving) { dirty = true; return; }
      saving = true;
      dirty = false;
      var sent = area.value;
      show(form.dataset.saving);
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (r) {
        if (!r.ok) throw new Error("not saved");
        if (area.value === sent) { try { localStorage.removeItem(key); } catch (e) {} }
        show(form.dataset.saved);
      }).catch(function () {
        show(form.dataset.failed);
        dirty = true;
      }).then(function () {
        saving = false;
        if (dirty) { clearTimeout(timer); timer = setTimeout(save, 3000); }
      });
    }

    try {
      var kept = localStorage.getItem(key);
      if (kept !== null && kept !== area.value) { area.value = kept; save(); }
    } catch (e) {}

    area.addEventListener("input", function () {
      try { localStorage.setItem(key, area.value); } catch (e) {}
      clearTimeout(timer);
      timer = setTimeout(save, 800);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      save();
    });
  });
})();
