/*
 * The bell, live: the member's own stream user:<id> (see realtime.js) carries
 * notification.created and notification.read events. Each open tab updates the
 * bell's count and shows a short toast for a new notification. Texts arrive as
 * data and are inserted with textContent only, never as HTML. Without this
 * script the bell shows the count of the last page load.
 */
(function () {
  "use strict";

  var TOAST_MS = 8000;
  var TOASTS_KEPT = 3;

  var bell = document.querySelector("summary.bell");
  var stream = document.querySelector('[data-stream^="user:"]');
  if (!bell || !stream) {
    return;
  }
  var region = null;

  function labelFor(count) {
    var template = count === 1 ? bell.getAttribute("data-label-one") : bell.getAttribute("data-label-other");
    return (template || "%(count)s").replace("%(count)s", String(count));
  }

  function setCount(count) {
    if (typeof count !== "number" || count < 0) {
      return;
    }
    var badge = bell.querySelector(".bell__count");
    var hidden = bell.querySelector(".visually-hidden");
    if (count === 0) {
      if (badge) {
        badge.remove();
      }
    } else {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "bell__count";
        badge.setAttribute("aria-hidden", "true");
        bell.insertBefore(badge, hidden);
      }
      badge.textContent = count > 99 ? "99+" : String(count);
    }
    if (hidden) {
      hidden.textContent = count ? labelFor(count) : bell.getAttribute("data-label-none") || "";
    }
  }

  function toastRegion() {
    if (!region) {
      region = document.createElement("div");
      region.className = "toast-region";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function showToast(payload) {
    var box = toastRegion();
    var toast = document.createElement("div");
    toast.className = "toast";
    var text = payload.title || bell.getAttribute("data-label-new") || "";
    var body;
    if (isLocalPath(payload.url)) {
      body = document.createElement("a");
      body.href = payload.url;
    } else {
      body = document.createElement("span");
    }
    body.className = "toast__text";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.setAttribute("aria-label", bell.getAttribute("data-label-close") || "×");
    close.textContent = "×";
    close.addEventListener("click", function () {
      toast.remove();
    });
    toast.appendChild(body);
    toast.appendChild(close);
    box.appendChild(toast);
    while (box.children.length > TOASTS_KEPT) {
      box.removeChild(box.firstChild);
    }
    window.setTimeout(function () {
      toast.remove();
    }, TOAST_MS);
  }

  stream.addEventListener("realtime:event", function (event) {
    var frame = event.detail || {};
    var payload = frame.payload || {};
    if (frame.stream !== stream.getAttribute("data-stream")) {
      return;
    }
    if (frame.kind === "notification.created") {
      setCount(payload.unread_count);
      showToast(payload);
    } else if (frame.kind === "notification.read") {
      setCount(payload.unread_count);
    }
  });
})();
