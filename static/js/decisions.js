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

  // -- ballots over the page's socket -------------------------------------------------
  // When the page's socket is open, a ballot goes over it (no new request for a crowd to
  // wait on); the answer swaps in the vote's part of the page. No answer within a few
  // seconds, or no socket: the form is sent as a plain form, with the same idempotency
  // key, so a ballot that did arrive still counts once. Votes with receipts use the form
  // (the receipt is shown once, on the page it returns).
  var pending = {};

  // The same place and look as the messages a page load shows (base.html's .messages).
  function announce(text) {
    var list = document.querySelector("ul.messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.setAttribute("aria-live", "polite"); // a live list, still a list (not role=status)
      var main = document.getElementById("main");
      if (main && main.parentNode) main.parentNode.insertBefore(list, main);
    }
    list.innerHTML = "";
    var item = document.createElement("li");
    item.className = "message success";
    item.textContent = text || "";
    list.appendChild(item);
  }

  function say(form, text, failed) {
    var box = form.querySelector(".ballot-answer");
    if (!box) {
      box = document.createElement("p");
      box.className = "ballot-answer";
      box.setAttribute("role", "status");
      form.insertBefore(box, form.firstChild);
    }
    box.textContent = text || "";
    box.classList.toggle("error", !!failed);
  }

  // -- checks before a ballot is sent ---------------------------------------------------
  // The server makes the same checks and shows the form again as it was filled in; these
  // only save a round trip and say it at once. Texts come from the page (translated).
  function listOf(items, and) {
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " " + and + " " + items[items.length - 1];
  }

  function warn(box, text) {
    var line = box.querySelector(".ballot-error");
    if (!line && !text) return;
    if (!line) {
      line = document.createElement("p");
      line.className = "ballot-error";
      line.id = "ballot-error";
      line.setAttribute("role", "alert");
      box.insertBefore(line, box.firstChild);
    }
    line.textContent = text;
    line.hidden = !text;
  }

  function rankClash(box) {
    var byRank = {};
    var selects = box.querySelectorAll("select[name^='rank-']");
    selects.forEach(function (select) {
      select.removeAttribute("aria-invalid");
      select.removeAttribute("aria-describedby");
      if (select.parentNode.classList) select.parentNode.classList.remove("clash");
      if (select.value) (byRank[select.value] = byRank[select.value] || []).push(select);
    });
    var parts = [];
    var first = null;
    Object.keys(byRank).sort(function (a, b) { return a - b; }).forEach(function (rank) {
      var group = byRank[rank];
      if (group.length < 2) return;
      group.forEach(function (select) {
        select.setAttribute("aria-invalid", "true");
        select.setAttribute("aria-describedby", "ballot-error");
        select.parentNode.classList.add("clash");
        first = first || select;
      });
      var names = group.map(function (select) { return "\u201c" + select.dataset.label + "\u201d"; });
      parts.push(box.dataset.clash.replace("{options}", listOf(names, box.dataset.and))
                                   .replace("{rank}", rank));
    });
    if (!parts.length) return null;
    parts.push(box.dataset.clashFix);
    return { text: parts.join(" "), first: first };
  }

  function dotsPlaced(box) {
    var placed = 0;
    box.querySelectorAll("input[name^='dots-']").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (n > 0) placed += n;
    });
    return placed;
  }

  function showDotsLeft(box) {
    var line = box.querySelector(".dots-left");
    if (!line) return;
    var total = parseInt(line.dataset.total, 10);
    var placed = dotsPlaced(box);
    line.hidden = false;
    line.classList.toggle("over", placed > total);
    line.textContent = placed > total
      ? line.dataset.over.replace("{placed}", placed).replace("{total}", total)
      : line.dataset.left.replace("{left}", total - placed).replace("{total}", total);
  }

  document.querySelectorAll(".ballot-choices .dots-left").forEach(function (line) {
    showDotsLeft(line.closest(".ballot-choices"));
  });

  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest(".ballot-choices");
    if (!box) return;
    if (box.dataset.method === "dots") showDotsLeft(box);
  });

  document.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest(".ballot-choices");
    if (!box || (box.dataset.method !== "irv" && box.dataset.method !== "stv")) return;
    var clash = rankClash(box);
    warn(box, clash ? clash.text : "");
  });

  // True when the ballot may go; otherwise says why (or asks) and keeps it.
  function ready(form, submitter) {
    var box = form.querySelector(".ballot-choices");
    if (!box) return true;
    var method = box.dataset.method;
    if (method === "irv" || method === "stv") {
      var clash = rankClash(box);
      if (clash) {
        warn(box, clash.text);
        clash.first.focus();
        return false;
      }
    }
    if (method === "dots") {
      var line = box.querySelector(".dots-left");
      showDotsLeft(box);
      if (line && dotsPlaced(box) > parseInt(line.dataset.total, 10)) {
        box.querySelector("input[name^='dots-']").focus();
        return false;
      }
    }
    if (method === "approval" && box.dataset.emptyOk &&
        !box.querySelector("input[name=choice]:checked") &&
        !form.querySelector("input[type=hidden][name=confirm_empty]")) {
      var confirmed = submitter && submitter.name === "confirm_empty";
      if (!confirmed && !window.confirm(box.dataset.confirmEmpty)) return false;
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm_empty";
      field.value = "1";
      form.appendChild(field);
    }
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("ballot")) return;
    if (!ready(form, event.submitter)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.receipts) return;
    var poll = document.getElementById("poll");
    if (!poll || !window.asambleaLive || !window.asambleaLive.isOpen()) return;
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    var ref = "b" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    if (!window.asambleaLive.send({ type: "act", action: "ballot.cast", ref: ref,
                                    data: { poll: poll.dataset.poll, fields: fields } })) return;
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    pending[ref] = { form: form, timer: setTimeout(function () {
      delete pending[ref];
      form.submit(); // no answer: the plain form, same key
    }, 6000) };
  });

  document.addEventListener("live:event", function (event) {
    var message = event.detail || {};
    var data = message.data || {};
    var waiting = data.ref && pending[data.ref];
    if (!waiting || (message.type !== "ballot.recorded" && message.type !== "act.refused")) return;
    clearTimeout(waiting.timer);
    delete pending[data.ref];
    var form = waiting.form;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    if (message.type === "act.refused") { say(form, data.message, true); return; }
    announce(data.message);
    fetchHTML(location.href).then(function (html) {
      replaceFrom(html, ["poll"]);
      document.querySelectorAll(".ballot-choices .dots-left").forEach(function (line) {
        showDotsLeft(line.closest(".ballot-choices"));
      });
    }).catch(function () {});
  });

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
