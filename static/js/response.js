// Rapid response on every page: verified reports and rumour-debunked notices arrive on
// the assembly's stream (and in the snapshot a page gets when it (re)connects); a
// call-out arrives on the person's own socket. Each carries its banner rendered by the
// server in every language; this module shows the one in the page's language at the top
// of the page, until it expires or the person dismisses it. Call-out pages also learn
// here that their call-out has ended. Nothing here is needed to use the forms.
(function () {
  "use strict";
  var box = document.getElementById("alerts");
  var KEY = "asamblea.dismissed";
  var lang = (document.documentElement.lang || "en").split("-")[0];
  var timers = {};

  function dismissed() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function dismiss(id) {
    var ids = dismissed().filter(function (x) { return x !== id; });
    ids.push(id);
    try { localStorage.setItem(KEY, JSON.stringify(ids.slice(-100))); } catch (e) { /* private mode */ }
    remove(id);
  }

  function find(id) {
    return box && box.querySelector('[data-alert-id="' + id + '"]');
  }

  function remove(id) {
    var el = find(id);
    if (el) el.remove();
    clearTimeout(timers[id]);
    delete timers[id];
  }

  function show(alert) {
    if (!box || !alert || !alert.id || !alert.html) return;
    if (dismissed().indexOf(alert.id) !== -1) return;
    var left = alert.expires ? Date.parse(alert.expires) - Date.now() : null;
    if (left !== null && left <= 0) { remove(alert.id); return; }
    var html = alert.html[lang] || alert.html.en || "";
    var el = find(alert.id);
    if (!el) {
      el = document.createElement("section");
      el.className = "alert alert-" + (alert.kind || "verified");
      el.dataset.alertId = alert.id;
      el.setAttribute("role", "alert");
      box.prepend(el);
    }
    el.innerHTML = html;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "alert-dismiss";
    button.textContent = "×";
    button.title = box.dataset.dismiss || "";
    button.setAttribute("aria-label", box.dataset.dismiss || "×");
    button.addEventListener("click", function () { dismiss(alert.id); });
    el.appendChild(button);
    clearTimeout(timers[alert.id]);
    if (left !== null) {
      timers[alert.id] = setTimeout(function () { remove(alert.id); }, Math.min(left, 2147483000));
    }
  }

  function replaceReports(alerts) {
    if (!box) return;
    var keep = {};
    alerts.forEach(function (a) { keep[a.id] = true; });
    Array.prototype.forEach.call(box.querySelectorAll('[data-alert-id^="report-"]'), function (el) {
      if (!keep[el.dataset.alertId]) remove(el.dataset.alertId);
    });
    alerts.slice().reverse().forEach(show);
  }

  function calloutEnded() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-callout-open]"), function (el) {
      el.hidden = true;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-callout-closed]"), function (el) {
      el.hidden = false;
    });
  }

  document.addEventListener("live:event", function (event) {
    var message = event.detail || {};
    var data = message.data || {};
    switch (message.type) {
      case "alerts.snapshot": replaceReports(data.alerts || []); break;
      case "report.verified":
      case "report.debunked":
      case "report.updated":
      case "callout.sent": show(data); break;
      case "report.ended": remove(data.id); break;
      case "callout.tally": if (data.closed) calloutEnded(); break;
    }
  });
})();
