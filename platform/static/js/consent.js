// Zwei-Klick-Lösung: replace a consent placeholder by the external player only after the visitor's click.
(function () {
  "use strict";

  function load(box) {
    var frame = document.createElement("iframe");
    frame.src = box.getAttribute("data-player-url");
    frame.title = box.getAttribute("data-title") || "Video";
    frame.allow = "autoplay; fullscreen; picture-in-picture";
    frame.setAttribute("allowfullscreen", "");
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "consent-embed__frame";
    box.replaceChildren(frame);
    frame.focus();
  }

  function init(root) {
    root.querySelectorAll("[data-consent-embed]").forEach(function (box) {
      var button = box.querySelector("[data-consent-load]");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        load(box);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
