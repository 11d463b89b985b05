/*
 * The browser client of the realtime hub (/ws/, protocol in docs/realtime.md).
 *
 * One socket per tab. Elements with data-stream="topic:42" (and optionally
 * data-last-id="17", the last id the page rendered) are subscribed on load;
 * page scripts call MitmachRealtime.subscribe(stream, since, onEvent). Every
 * event is dispatched as a bubbling CustomEvent "realtime:event" on each
 * element declaring its stream (and on document), with the frame as detail.
 * The client keeps the last id per stream, resubscribes with it after a
 * reconnect (exponential backoff with jitter) and drops duplicates, so
 * nothing is lost and nothing appears twice. Without JavaScript the pages
 * work as they are; this only makes them live.
 */
(function () {
  "use strict";

  var PROTOCOL_VERSION = 1;
  var HEARTBEAT_MS = 25000;
  var PONG_TIMEOUT_MS = 10000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  // After this long in a background tab the socket is closed; it reopens (and catches up) when the tab is shown.
  var HIDDEN_PAUSE_MS = 5 * 60 * 1000;
  // Close codes after which the server wants us to slow down (rate limit).
  var SLOW_DOWN_CODES = { 4429: true };
  var SEEN_KEPT = 500;

  if (!("WebSocket" in window) || window.MitmachRealtime) {
    return;
  }

  var streams = new Map(); // stream -> {since, seen: Set, handlers: Set, active}
  var socket = null;
  var ready = false;
  var attempts = 0;
  var reconnectTimer = null;
  var heartbeatTimer = null;
  var pongTimer = null;
  var hiddenTimer = null;
  var paused = false;

  function dispatch(name, detail) {
    var targets = detail && detail.stream ? elementsFor(detail.stream) : [];
    targets.forEach(function (element) {
      element.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }));
    });
    // Once on document too, unless an element's event already bubbled up to it.
    if (!targets.length) {
      document.dispatchEvent(new CustomEvent(name, { detail: detail }));
    }
  }

  function elementsFor(stream) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-stream]"), function (element) {
      return element.getAttribute("data-stream") === stream;
    });
  }

  function send(frame) {
    if (socket && ready && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function sendSubscribe(stream, entry) {
    entry.active = send({ type: "subscribe", stream: stream, since: entry.since });
  }

  function socketUrl() {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + "/ws/";
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (socket || paused || !streams.size) {
      return;
    }
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      socket = null;
      scheduleReconnect(false);
      return;
    }
    ready = false;
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", onClose);
  }

  function onMessage(message) {
    var frame;
    try {
      frame = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    var entry = frame.stream ? streams.get(frame.stream) : null;
    switch (frame.type) {
      case "hello":
        if (frame.v !== PROTOCOL_VERSION) {
          // A newer server speaks another protocol: the page needs a reload to get the new client.
          dispatch("realtime:version", frame);
          paused = true;
          socket.close();
          return;
        }
        ready = true;
        attempts = 0;
        startHeartbeat();
        streams.forEach(function (value, stream) {
          sendSubscribe(stream, value);
        });
        dispatch("realtime:open", {});
        break;
      case "event":
        if (entry) {
          receiveEvent(entry, frame);
        }
        break;
      case "subscribed":
        if (entry) {
          entry.lastId = frame.last_id;
          if (entry.since === null || entry.since === undefined) {
            entry.since = frame.last_id;
          }
        }
        dispatch("realtime:subscribed", frame);
        break;
      case "reload":
        // Too much was missed to replay. Feature code may handle it (preventDefault);
        // otherwise we hold the newest id so that a reconnect does not ask again.
        if (entry && typeof entry.lastId === "number") {
          entry.since = Math.max(entry.since || 0, entry.lastId);
        }
        dispatch("realtime:reload", frame);
        break;
      case "unsubscribed":
        if (frame.reason) {
          streams.delete(frame.stream);
        }
        dispatch("realtime:unsubscribed", frame);
        break;
      case "error":
        if (frame.stream && (frame.code === "forbidden" || frame.code === "bad_stream" || frame.code === "unknown_stream")) {
          streams.delete(frame.stream); // asking again would get the same answer
        }
        dispatch("realtime:error", frame);
        break;
      case "pong":
        clearTimeout(pongTimer);
        break;
      default:
        break;
    }
  }

  function receiveEvent(entry, frame) {
    if (typeof frame.id === "number") {
      // The server sends only ids above the `since` it was given; an id committed out of order may be lower
      // than one already shown, so duplicates are recognised by id, not by comparison.
      if (entry.seen.has(frame.id)) {
        return;
      }
      entry.seen.add(frame.id);
      if (entry.seen.size > SEEN_KEPT) {
        entry.seen.delete(entry.seen.values().next().value);
      }
      entry.since = Math.max(entry.since || 0, frame.id);
    }
    entry.handlers.forEach(function (handler) {
      try {
        handler(frame);
      } catch (error) {
        window.console && window.console.error(error);
      }
    });
    dispatch("realtime:event", frame);
  }

  function onClose(event) {
    socket = null;
    ready = false;
    stopHeartbeat();
    streams.forEach(function (entry) {
      entry.active = false;
    });
    dispatch("realtime:close", { code: event.code });
    scheduleReconnect(Boolean(SLOW_DOWN_CODES[event.code]));
  }

  function scheduleReconnect(slowDown) {
    if (paused || reconnectTimer || !streams.size) {
      return;
    }
    attempts += slowDown ? 3 : 1;
    var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempts - 1));
    // Full jitter: sockets dropped together (a server restart) do not come back together.
    var delay = ceiling / 2 + Math.random() * (ceiling / 2);
    reconnectTimer = setTimeout(connect, delay);
  }

  function startHeartbeat() {
    stopHeartbeat();
    heartbeatTimer = setInterval(function () {
      if (send({ type: "ping" })) {
        clearTimeout(pongTimer);
        pongTimer = setTimeout(function () {
          // No answer: the connection is dead (sleeping laptop, tunnel). Close; onClose reconnects.
          if (socket) {
            socket.close();
          }
        }, PONG_TIMEOUT_MS);
      }
    }, HEARTBEAT_MS);
  }

  function stopHeartbeat() {
    clearInterval(heartbeatTimer);
    clearTimeout(pongTimer);
  }

  function pause() {
    paused = true;
    if (socket) {
      socket.close(1000);
    }
  }

  function resume() {
    if (!paused) {
      return;
    }
    paused = false;
    attempts = 0;
    connect();
  }

  document.addEventListener("visibilitychange", function () {
    clearTimeout(hiddenTimer);
    if (document.hidden) {
      hiddenTimer = setTimeout(pause, HIDDEN_PAUSE_MS);
    } else {
      resume();
    }
  });
  // The browser knows the network is gone before a missed pong would tell: close now, and come
  // back (with replay since the last ids) as soon as it is online again.
  window.addEventListener("offline", function () {
    if (socket) {
      socket.close();
    }
  });
  window.addEventListener("online", function () {
    if (!socket && !paused) {
      attempts = 0;
      connect();
    }
  });

  function parseSince(value) {
    if (value === null || value === undefined || value === "") {
      return null;
    }
    var number = Number(value);
    return Number.isSafeInteger(number) && number >= 0 ? number : null;
  }

  /**
   * Follow a stream. `since` is the last id the page shows (null: only what happens from now on).
   * Returns a function that stops this handler (and the subscription when it was the last one).
   */
  function subscribe(stream, since, onEvent) {
    var entry = streams.get(stream);
    if (!entry) {
      entry = { since: parseSince(since), seen: new Set(), handlers: new Set(), active: false, lastId: null };
      streams.set(stream, entry);
      if (ready) {
        sendSubscribe(stream, entry);
      } else {
        connect();
      }
    } else if (parseSince(since) !== null && (entry.since === null || parseSince(since) > entry.since)) {
      entry.since = parseSince(since);
    }
    if (typeof onEvent === "function") {
      entry.handlers.add(onEvent);
    }
    return function () {
      if (typeof onEvent === "function") {
        entry.handlers.delete(onEvent);
      }
      if (!entry.handlers.size && !elementsFor(stream).length) {
        unsubscribe(stream);
      }
    };
  }

  function unsubscribe(stream) {
    var entry = streams.get(stream);
    if (!entry) {
      return;
    }
    streams.delete(stream);
    if (entry.active) {
      send({ type: "unsubscribe", stream: stream });
    }
  }

  function lastId(stream) {
    var entry = streams.get(stream);
    return entry ? entry.since : null;
  }

  window.MitmachRealtime = {
    version: PROTOCOL_VERSION,
    subscribe: subscribe,
    unsubscribe: unsubscribe,
    lastId: lastId,
  };

  function subscribeDeclared() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-stream]"), function (element) {
      subscribe(element.getAttribute("data-stream"), element.getAttribute("data-last-id"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", subscribeDeclared);
  } else {
    subscribeDeclared();
  }
})();
