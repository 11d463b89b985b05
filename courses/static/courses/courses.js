// Saves checklists, reflection answers, notes and bookmarks in place: the same forms the page posts without
// JavaScript, sent with fetch and `X-Requested-With: fetch`; the server answers with JSON.
(function () {
  "use strict";

  function status(form, text, isError) {
    var box = form.querySelector(".course-inline-status");
    if (!box) return;
    box.textContent = text || "";
    box.classList.toggle("field__error", Boolean(isError));
  }

  function send(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) {
        data.status = response.status;
        return data;
      });
    });
  }

  function updateProgress(percent) {
    if (typeof percent !== "number") return;
    document.querySelectorAll("#kurs-progress-label + [data-course-progress]").forEach(function (bar) {
      bar.setAttribute("aria-valuenow", String(percent));
      var fill = bar.querySelector(".course-progress__fill");
      if (fill) fill.style.width = percent + "%";
    });
  }

  function handle(form, data) {
    if (data.redirect) {
      window.location.assign(data.redirect);
      return;
    }
    if (data.ok) {
      status(form, data.message, false);
      if (form.querySelector("[name=version]") && typeof data.version === "number") {
        form.querySelector("[name=version]").value = String(data.version);
      }
      updateProgress(data.percent);
      if (data.completed || data.enrolled) window.location.reload();
    } else if (typeof data.stale === "string") {
      // Changed in another tab: post normally, the page then shows both versions and keeps the typed text.
      form.submit();
    } else {
      // A too long text and other refusals: the message beside the form, the typed text stays in the field.
      status(form, data.error || "", true);
    }
  }

  function initChecklist(form) {
    var button = form.querySelector("[data-course-save]");
    if (button) button.hidden = true;
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        var body = new FormData();
        body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
        body.append("item", box.value);
        body.append("checked", box.checked ? "true" : "false");
        status(form, "…", false);
        send(form, body)
          .then(function (data) {
            handle(form, data);
          })
          .catch(function () {
            if (button) button.hidden = false;
            status(form, form.dataset.offlineText || "", true);
          });
      });
    });
  }

  function initSubmit(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      status(form, "…", false);
      send(form, new FormData(form))
        .then(function (data) {
          if (form.dataset.courseInline === "bookmark" && data.ok) {
            window.location.reload();
            return;
          }
          handle(form, data);
        })
        .catch(function () {
          form.submit();
        });
    });
  }

  function init() {
    if (document.querySelector("[data-lesson][data-inert]")) return;
    document.querySelectorAll("form[data-course-inline]").forEach(function (form) {
      if (form.dataset.courseInline === "checklist") initChecklist(form);
      else initSubmit(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
