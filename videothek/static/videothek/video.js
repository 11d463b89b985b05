// Videothek player: chapters and transcript lines seek, the transcript follows playback, speed and
// "link at the current position", and the progress beacon (navigator.sendBeacon, CSRF token in the body).
// Without JavaScript every seek is a ?t= link and the native player does the rest.
(function () {
  "use strict";

  var BEACON_EVERY_MS = 15000;

  function addRange(ranges, start, end) {
    if (end <= start) return;
    var last = ranges[ranges.length - 1];
    if (last && start <= last[1] + 0.01 && start >= last[0]) {
      last[1] = Math.max(last[1], end);
    } else {
      ranges.push([start, end]);
    }
  }

  function setUp(box) {
    var video = box.querySelector("video");
    if (!video) return;
    var tools = box.querySelector("[data-video-tools]");
    var status = box.querySelector("[data-video-status]");
    var beaconUrl = box.getAttribute("data-beacon-url");
    var form = box.querySelector("[data-beacon-form]");
    var start = parseInt(box.getAttribute("data-start") || "0", 10);
    var played = [];
    var lastTime = null;

    if (tools) tools.hidden = false;

    function seek(seconds, play) {
      video.currentTime = seconds;
      lastTime = null;
      if (play) {
        var promise = video.play();
        if (promise && promise.catch) promise.catch(function () {});
      }
    }

    if (start > 0) {
      var startOnce = function () {
        if (Math.abs(video.currentTime - start) > 1) video.currentTime = start;
      };
      if (video.readyState >= 1) startOnce();
      else video.addEventListener("loadedmetadata", startOnce, { once: true });
    }

    // Chapters become buttons (they act on the player, they go nowhere); transcript and resume links seek.
    document.querySelectorAll(".video-chapters__link").forEach(function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "video-chapters__button";
      button.setAttribute("data-seek", link.getAttribute("data-seek"));
      button.innerHTML = link.innerHTML;
      link.replaceWith(button);
    });
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-seek]");
      if (!target) return;
      event.preventDefault();
      seek(parseInt(target.getAttribute("data-seek"), 10) || 0, true);
      if (target.hasAttribute("data-resume")) target.closest("p").hidden = true;
      video.focus();
    });

    var speed = box.querySelector("[data-video-speed]");
    if (speed) {
      speed.addEventListener("change", function () {
        video.playbackRate = parseFloat(speed.value) || 1;
      });
      video.addEventListener("ratechange", function () {
        var value = String(video.playbackRate);
        if (speed.querySelector('option[value="' + value + '"]')) speed.value = value;
      });
    }

    var copy = box.querySelector("[data-video-copy-link]");
    if (copy) {
      copy.addEventListener("click", function () {
        var url = location.origin + location.pathname + "?t=" + Math.floor(video.currentTime);
        var done = function () {
          status.textContent = box.getAttribute("data-copied-text");
        };
        var failed = function () {
          status.textContent = box.getAttribute("data-copy-failed-text") + " " + url;
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(done, failed);
        } else {
          failed();
        }
      });
    }

    // The interactive transcript: the current line is marked and kept in view inside its own box.
    var transcript = document.querySelector("[data-transcript]");
    var lines = transcript ? Array.prototype.slice.call(transcript.querySelectorAll("[data-start]")) : [];
    var currentLine = null;
    var userScrolledAt = 0;
    if (transcript) {
      transcript.addEventListener("wheel", function () { userScrolledAt = Date.now(); }, { passive: true });
      transcript.addEventListener("touchmove", function () { userScrolledAt = Date.now(); }, { passive: true });
    }
    function follow() {
      if (!lines.length) return;
      var now = video.currentTime;
      var found = null;
      for (var i = 0; i < lines.length; i++) {
        if (parseInt(lines[i].getAttribute("data-start"), 10) <= now) found = lines[i];
        else break;
      }
      if (found === currentLine) return;
      if (currentLine) {
        currentLine.classList.remove("is-current");
        currentLine.removeAttribute("aria-current");
      }
      currentLine = found;
      if (!found) return;
      found.classList.add("is-current");
      found.setAttribute("aria-current", "true");
      if (Date.now() - userScrolledAt > 5000) {
        transcript.scrollTop = found.offsetTop - transcript.offsetTop - transcript.clientHeight / 3;
      }
    }

    // Distinct played seconds: only continuous playback counts, never a jump.
    video.addEventListener("timeupdate", function () {
      var now = video.currentTime;
      if (!video.paused && !video.seeking && lastTime !== null) {
        var step = now - lastTime;
        if (step > 0 && step <= 3) addRange(played, lastTime, now);
      }
      lastTime = video.seeking ? null : now;
      follow();
    });
    video.addEventListener("seeking", function () { lastTime = null; });
    video.addEventListener("seeked", function () { lastTime = video.currentTime; follow(); });

    if (!beaconUrl || !form) return;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var lastSentPosition = -1;

    function send() {
      var position = Math.floor(video.currentTime);
      if (!played.length && position === lastSentPosition) return;
      var duration = video.duration && isFinite(video.duration) ? video.duration : null;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token ? token.value : "");
      body.append("position", String(position));
      body.append(
        "played",
        played
          .map(function (range) {
            var end = duration ? Math.min(range[1], duration) : range[1];
            return range[0].toFixed(2) + "-" + end.toFixed(2);
          })
          .join(",")
      );
      if (navigator.sendBeacon && navigator.sendBeacon(beaconUrl, body)) {
        played = [];
        lastSentPosition = position;
      }
    }

    setInterval(function () {
      if (!video.paused) send();
    }, BEACON_EVERY_MS);
    video.addEventListener("pause", send);
    video.addEventListener("ended", send);
    window.addEventListener("pagehide", send);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") send();
    });
  }

  function init() {
    document.querySelectorAll("[data-video-player]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
