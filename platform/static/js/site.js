/*
 * Progressive enhancement for every page. The site works without this file:
 * without it the navigation is simply always shown and menus are plain <details>.
 * Loaded in <head> (it is tiny) so the page never flashes the unfolded menu.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function setupNavToggle() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var header = toggle && toggle.closest(".site-header");
    if (!toggle || !header) {
      return;
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      header.classList.toggle("is-open", open);
    });
  }

  function setupMenus() {
    var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-menu]"));
    if (!menus.length) {
      return;
    }
    // Close an open menu on a click outside it.
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    // Escape closes the menu and returns focus to its toggle.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      menus.forEach(function (menu) {
        if (menu.open) {
          menu.open = false;
          var summary = menu.querySelector("summary");
          if (summary) {
            summary.focus();
          }
        }
      });
    });
  }

  function focusErrorSummary() {
    // After a failed submit, move focus to the error summary so it is read first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function init() {
    setupNavToggle();
    setupMenus();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
