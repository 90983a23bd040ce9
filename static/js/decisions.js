// Proposal and poll pages: react to live events by re-fetching the parts that changed
// through the normal, permission-checked page views, so every reader sees them in their
// own language. Votes, comments and seconds all work as plain forms without this file.
(function () {
  "use strict";
  var snapshots = 0;

  function fetchHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "live" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); });
  }

  function replaceFrom(html, ids) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    ids.forEach(function (id) {
      var fresh = doc.getElementById(id);
      var old = document.getElementById(id);
      if (fresh && old) old.replaceWith(fresh);
    });
  }

  function refreshMain() {
    var main = document.getElementById("proposal-main");
    if (!main) return;
    fetchHTML(main.dataset.refresh).then(function (html) { replaceFrom(html, ["proposal-main"]); })
      .catch(function () {});
  }

  function insertComment(id, parent) {
    var discussion = document.getElementById("discussion");
    if (!discussion || document.getElementById("comment-" + id)) return;
    fetchHTML(discussion.dataset.commentUrl + id).then(function (html) {
      var holder = document.createElement("ol");
      holder.innerHTML = html;
      var item = holder.firstElementChild;
      var list = parent ? document.getElementById("replies-" + parent)
                        : document.getElementById("comment-list");
      if (item && list && !document.getElementById("comment-" + id)) list.appendChild(item);
    }).catch(function () {});
  }

  function replaceComment(id) {
    var discussion = document.getElementById("discussion");
    var old = document.getElementById("comment-" + id);
    if (!discussion || !old) return;
    fetchHTML(discussion.dataset.commentUrl + id).then(function (html) {
      var holder = document.createElement("ol");
      holder.innerHTML = html;
      if (holder.firstElementChild) old.replaceWith(holder.firstElementChild);
    }).catch(function () {});
  }

  document.addEventListener("live:event", function (event) {
    var message = event.detail;
    var data = message.data || {};
    var stream = message.stream || "";
    if (stream.indexOf("proposal:") === 0) {
      if (message.type === "comment.posted") insertComment(data.comment, data.parent);
      else if (message.type === "comment.hidden") replaceComment(data.comment);
      else if (message.type === "proposal.snapshot") {
        // The first snapshot arrives with the page; a later one follows a reconnect.
        snapshots += 1;
        if (snapshots > 1) {
          fetchHTML(location.href).then(function (html) {
            replaceFrom(html, ["proposal-main", "comment-list"]);
          }).catch(function () {});
        }
      } else refreshMain();
    } else if (stream.indexOf("assembly:") === 0 &&
               (message.type === "poll.opened" || message.type === "decision.recorded" ||
                message.type === "action.changed")) {
      // The home page's section, the log's list, a decision's follow-through.
      var parts = ["decisions-section", "decision-log", "actions-list"].filter(function (id) {
        return document.getElementById(id);
      });
      if (parts.length) {
        fetchHTML(location.href).then(function (html) { replaceFrom(html, parts); })
          .catch(function () {});
      }
    } else if (stream.indexOf("poll:") === 0 && message.type === "poll.closed") {
      var poll = document.getElementById("poll");
      if (poll && poll.dataset.state === "open") location.reload();
    }
  });
})();
