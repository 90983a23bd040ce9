// Working groups and the coordination board, live. The live backbone (live.js) only
// says that a group or a board changed; this module re-fetches the affected fragment
// through its normal, permission-checked view, so each person sees it in their own
// language with their own buttons. Fragments are marked
//   data-live-refresh="<url>" data-live-stream="<stream>" data-version="<revision>".
// A snapshot (sent on every (re)subscription) carries the current revision: the
// fragment is re-fetched only if it is stale. Bursts are coalesced: at most one fetch
// in flight per fragment, and one more after it if anything changed meanwhile.
(function () {
  "use strict";
  var DELAY = 250;

  function fragmentsFor(stream) {
    return Array.prototype.filter.call(
      document.querySelectorAll("[data-live-refresh]"),
      function (el) { return el.dataset.liveStream === stream; }
    );
  }

  function announce(el) {
    var note = el.nextElementSibling;
    if (note && note.getAttribute("role") === "status" && note.dataset.text) {
      note.textContent = "";
      note.textContent = note.dataset.text;
    }
  }

  function swap(el, html, version) {
    var focused = document.activeElement;
    var focusId = focused && el.contains(focused) ? focused.id : "";
    el.innerHTML = html;
    if (version) el.dataset.version = version;
    if (focusId) {
      var again = document.getElementById(focusId);
      if (again) again.focus();
    }
    announce(el);
  }

  function refresh(el) {
    el.dataset.loading = "1";
    fetch(el.dataset.liveRefresh, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      var version = response.headers.get("X-Live-Version");
      return response.text().then(function (html) { swap(el, html, version); });
    }).catch(function () {
      // Offline or no longer allowed: keep what is shown; live.js tells the person.
    }).then(function () {
      el.dataset.loading = "";
      if (el.dataset.again === "1") {
        el.dataset.again = "";
        schedule(el);
      }
    });
  }

  function schedule(el) {
    if (el.dataset.loading === "1") { el.dataset.again = "1"; return; }
    if (el.dataset.scheduled === "1") return;
    el.dataset.scheduled = "1";
    setTimeout(function () {
      el.dataset.scheduled = "";
      refresh(el);
    }, DELAY);
  }

  document.addEventListener("live:event", function (event) {
    var message = event.detail || {};
    if (!message.stream) return;
    var data = message.data || {};
    var snapshot = /\.snapshot$/.test(message.type || "");
    fragmentsFor(message.stream).forEach(function (el) {
      if (snapshot && String(data.version) === el.dataset.version) return;
      schedule(el);
    });
  });
})();
