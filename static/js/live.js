// The browser end of the live path: one socket per page, subscribed to the streams named
// in <body data-live-streams="...">. Events carrying data.swap replace the contents of the
// elements with those ids by server-rendered, already-sanitised HTML. A lost socket
// reconnects with growing, jittered delays; the server answers each subscription with a
// fresh snapshot, so nothing shown stays stale. Other modules listen for "live:event".
(function () {
  "use strict";
  var body = document.body;
  var url = body && body.dataset.liveUrl;
  var streams = body && body.dataset.liveStreams;
  // Every signed-in page has a socket (for the person's own events, like the notification
  // count); pages with live parts also name their streams.
  if (!url || !("WebSocket" in window)) return;
  streams = (streams || "").split(/\s+/).filter(function (stream, i, all) {
    return stream && all.indexOf(stream) === i;
  });

  var status = document.getElementById("live-status");
  var socket = null;
  var attempt = 0;
  var pingTimer = null;
  var settledTimer = null;
  var ended = false;
  // A socket counts as healthy once it has stayed open this long; only then does the next
  // reconnect start again from the shortest delay. A server that accepts and drops at
  // once therefore sees the delay keep growing, as it should.
  var SETTLED_MS = 15000;

  function showStatus(text) {
    if (!status) return;
    status.textContent = text || "";
    status.hidden = !text;
  }

  var lastSeq = {};

  function apply(message) {
    var data = message.data || {};
    // Coalesced snapshots carry a sequence number: never let an older one win.
    if (typeof data.seq === "number" && message.stream) {
      if (lastSeq[message.stream] && data.seq < lastSeq[message.stream]) return;
      lastSeq[message.stream] = data.seq;
    }
    if (data.swap) {
      Object.keys(data.swap).forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.innerHTML = data.swap[id];
      });
    }
    if (message.type === "notification.created") {
      var badge = document.getElementById("notification-count");
      if (badge) {
        badge.textContent = String((parseInt(badge.textContent, 10) || 0) + (data.delta || 1));
        badge.hidden = false;
      }
    }
    document.dispatchEvent(new CustomEvent("live:event", { detail: message }));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + url);
    socket.addEventListener("open", function () {
      clearTimeout(settledTimer);
      settledTimer = setTimeout(function () { attempt = 0; }, SETTLED_MS);
      showStatus("");
      body.dataset.live = "open";
      streams.forEach(function (stream) {
        socket.send(JSON.stringify({ type: "subscribe", stream: stream }));
      });
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
      }, 30000);
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "access.revoked") {
        ended = true;
        showStatus(status && status.dataset.ended);
      }
      apply(message);
    });
    socket.addEventListener("close", function (event) {
      clearInterval(pingTimer);
      clearTimeout(settledTimer);
      body.dataset.live = "closed";
      if (ended || event.code === 4403) {
        ended = true;
        showStatus(status && status.dataset.ended);
        return;
      }
      showStatus(status && status.dataset.reconnecting);
      // Spread out: when a worker restarts, its whole room reconnects at once. The first
      // try comes after 0.5 to 3 s, then up to 6, 12, 24 and 30 s, each at a random point.
      var ceiling = Math.min(30000, 3000 * Math.pow(2, attempt));
      var delay = 500 + Math.random() * (ceiling - 500);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }

  // For other modules: send a write over this page's socket when it is open (e.g. a
  // ballot); the answer comes back as a "live:event" carrying the same ref.
  window.asambleaLive = {
    isOpen: function () { return !!socket && socket.readyState === WebSocket.OPEN; },
    send: function (message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    }
  };

  connect();
})();
