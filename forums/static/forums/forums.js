// Progressive enhancement of the forum pages: every feature here also works without JavaScript.
// One small module per area, each started from the bottom of this file when its markup is on the page.
"use strict";

// == composer ==
// Toolbar, server-side draft autosave, live preview, uploads (button, drag & drop, paste),
// @mention suggestions and quoting a text selection. Without JavaScript the composer is a
// textarea with a file input and a "Preview" submit button, and quote/reply are plain links.
(function () {
  const stringsElement = document.getElementById("composer-strings");
  const strings = stringsElement ? JSON.parse(stringsElement.textContent) : {};
  const translate = (text) => strings[text] || text;
  const AUTOSAVE_MS = 3000;

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, data, form) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
    }).then((response) =>
      response.json().then((json) => {
        if (!response.ok) throw new Error(json.error || response.statusText);
        return json;
      }),
    );
  }

  function insertAround(textarea, before, after, placeholder) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const selected = textarea.value.slice(start, end) || placeholder || "";
    textarea.setRangeText(before + selected + after, start, end, "end");
    textarea.selectionStart = start + before.length;
    textarea.selectionEnd = start + before.length + selected.length;
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function prefixLines(textarea, prefix) {
    const start = textarea.value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    const end = textarea.selectionEnd;
    const lines = textarea.value.slice(start, end).split("\n").map((line) => prefix + line);
    textarea.setRangeText(lines.join("\n"), start, end, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insertText(textarea, text) {
    const start = textarea.selectionStart;
    const before = textarea.value.slice(0, start);
    const spacer = before && !before.endsWith("\n") ? "\n\n" : "";
    textarea.setRangeText(spacer + text, start, textarea.selectionEnd, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setupComposer(root) {
    const form = root.closest("form");
    const textarea = root.querySelector("textarea");
    if (!form || !textarea) return;
    const status = root.querySelector("[data-composer-status]");
    const say = (text) => {
      if (status) status.textContent = text;
    };
    const place = () => {
      const data = new FormData();
      if (root.dataset.topic) data.append("topic", root.dataset.topic);
      else if (root.dataset.category) data.append("category", root.dataset.category);
      return data;
    };

    // -- uploads
    function upload(file) {
      const data = new FormData();
      data.append("file", file);
      say(translate("Uploading …"));
      return post(root.dataset.uploadUrl, data, form)
        .then((json) => {
          insertText(textarea, json.markdown + "\n");
          say(translate("File uploaded."));
        })
        .catch((error) => say(error.message));
    }
    const picker = document.createElement("input");
    picker.type = "file";
    picker.hidden = true;
    picker.multiple = true;
    picker.accept = ".jpg,.jpeg,.png,.gif,.webp,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp";
    picker.addEventListener("change", () => {
      Array.from(picker.files).forEach(upload);
      picker.value = "";
    });
    root.appendChild(picker);
    const attachment = root.querySelector("input[type=file][name=attachment]");
    if (attachment) {
      attachment.addEventListener("change", () => {
        Array.from(attachment.files).forEach(upload);
        attachment.value = "";
      });
    }
    textarea.addEventListener("dragover", (event) => {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
        event.preventDefault();
        textarea.classList.add("composer__input--drop");
      }
    });
    textarea.addEventListener("dragleave", () => textarea.classList.remove("composer__input--drop"));
    textarea.addEventListener("drop", (event) => {
      textarea.classList.remove("composer__input--drop");
      const files = event.dataTransfer ? Array.from(event.dataTransfer.files) : [];
      if (files.length) {
        event.preventDefault();
        files.forEach(upload);
      }
    });
    textarea.addEventListener("paste", (event) => {
      const files = event.clipboardData ? Array.from(event.clipboardData.files) : [];
      if (files.length) {
        event.preventDefault();
        files.forEach(upload);
      }
    });

    // -- toolbar
    const actions = [
      ["bold", translate("Bold"), "B", () => insertAround(textarea, "**", "**", translate("bold text"))],
      ["italic", translate("Italic"), "I", () => insertAround(textarea, "*", "*", translate("italic text"))],
      ["link", translate("Link"), "🔗", () => insertAround(textarea, "[", "](https://)", translate("link text"))],
      ["list", translate("List"), "•", () => prefixLines(textarea, "- ")],
      ["quote", translate("Quote"), "❝", () => prefixLines(textarea, "> ")],
      ["code", translate("Code"), "</>", () => insertAround(textarea, "`", "`", translate("code"))],
      ["upload", translate("Upload image or file"), "⤒", () => picker.click()],
    ];
    const toolbar = document.createElement("div");
    toolbar.className = "composer__toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", translate("Formatting"));
    if (textarea.id) toolbar.setAttribute("aria-controls", textarea.id);
    actions.forEach(([name, label, symbol, run], index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "composer__tool composer__tool--" + name;
      button.setAttribute("aria-label", label);
      button.title = label;
      button.textContent = symbol;
      button.tabIndex = index === 0 ? 0 : -1;
      button.addEventListener("click", run);
      toolbar.appendChild(button);
    });
    // One tab stop for the toolbar; arrow keys move between its buttons.
    toolbar.addEventListener("keydown", (event) => {
      const buttons = Array.from(toolbar.querySelectorAll("button"));
      let index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowRight") index = (index + 1) % buttons.length;
      else if (event.key === "ArrowLeft") index = (index - 1 + buttons.length) % buttons.length;
      else if (event.key === "Home") index = 0;
      else if (event.key === "End") index = buttons.length - 1;
      else return;
      event.preventDefault();
      buttons.forEach((button, i) => (button.tabIndex = i === index ? 0 : -1));
      buttons[index].focus();
    });
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      if (event.key === "b") actions[0][3]();
      else if (event.key === "i") actions[1][3]();
      else return;
      event.preventDefault();
    });

    // -- live preview (the same rendering the stored post gets)
    const previewButton = form.querySelector("[data-composer-preview-button]");
    const preview = document.createElement("div");
    preview.className = "composer__preview post__body prose";
    preview.hidden = true;
    preview.setAttribute("aria-live", "polite");
    root.insertBefore(preview, status);
    if (previewButton) {
      previewButton.setAttribute("aria-pressed", "false");
      previewButton.addEventListener("click", (event) => {
        event.preventDefault();
        if (!preview.hidden) {
          preview.hidden = true;
          previewButton.setAttribute("aria-pressed", "false");
          return;
        }
        const data = place();
        data.append("body_markdown", textarea.value);
        post(root.dataset.previewUrl, data, form)
          .then((json) => {
            preview.innerHTML = json.html; // sanitised on the server, like the stored post
            preview.hidden = false;
            previewButton.setAttribute("aria-pressed", "true");
          })
          .catch((error) => say(error.message));
      });
    }

    // -- draft autosave (server-side: survives reloads and other devices)
    const title = form.querySelector("input[name=title]");
    const replyTo = form.querySelector("input[name=reply_to]");
    let saved = textarea.value + "\u0000" + (title ? title.value : "");
    let timer = null;
    function saveDraft() {
      timer = null;
      const current = textarea.value + "\u0000" + (title ? title.value : "");
      if (!root.dataset.draftKey || current === saved) return;
      const data = new FormData();
      data.append("key", root.dataset.draftKey);
      data.append("body_markdown", textarea.value);
      if (title) data.append("title", title.value);
      if (replyTo && replyTo.value) data.append("reply_to", replyTo.value);
      post(root.dataset.draftUrl, data, form)
        .then(() => {
          saved = current;
          say(translate("Draft saved."));
        })
        .catch(() => say(translate("The draft could not be saved.")));
    }
    const schedule = () => {
      if (!timer) timer = window.setTimeout(saveDraft, AUTOSAVE_MS);
    };
    textarea.addEventListener("input", schedule);
    if (title) title.addEventListener("input", schedule);
    form.addEventListener("submit", () => window.clearTimeout(timer));

    setupMentions(root, textarea, place);
  }

  // -- @mention suggestions: a listbox under the textarea (combobox pattern)
  function setupMentions(root, textarea, place) {
    const list = document.createElement("ul");
    list.className = "composer__mentions";
    list.id = (textarea.id || "composer") + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", translate("Members"));
    list.hidden = true;
    textarea.parentNode.insertBefore(list, textarea.nextSibling);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-expanded", "false");
    let active = -1;
    let items = [];
    let request = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      active = index;
      Array.from(list.children).forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) textarea.setAttribute("aria-activedescendant", list.children[index].id);
    }
    function choose(index) {
      const item = items[index];
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = before.match(/@([\w.-]*)$/);
      if (!item || !match) return close();
      const start = textarea.selectionStart - match[0].length;
      textarea.setRangeText("@" + item.handle + " ", start, textarea.selectionStart, "end");
      close();
      textarea.focus();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.addEventListener("input", () => {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = before.match(/(?:^|[^\w@])@([\w.-]{1,30})$/);
      if (!match) return close();
      const params = new URLSearchParams(place());
      params.append("q", match[1]);
      const mine = ++request;
      fetch(root.dataset.mentionUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((json) => {
          if (mine !== request) return;
          items = json.results || [];
          list.textContent = "";
          if (!items.length) return close();
          items.forEach((item, i) => {
            const option = document.createElement("li");
            option.id = list.id + "-" + i;
            option.setAttribute("role", "option");
            option.textContent = item.name + " (@" + item.handle + ")";
            option.addEventListener("mousedown", (event) => {
              event.preventDefault();
              choose(i);
            });
            list.appendChild(option);
          });
          list.hidden = false;
          textarea.setAttribute("aria-expanded", "true");
          highlight(0);
        })
        .catch(close);
    });
    textarea.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown") highlight((active + 1) % items.length);
      else if (event.key === "ArrowUp") highlight((active - 1 + items.length) % items.length);
      else if (event.key === "Enter" || event.key === "Tab") choose(active);
      else if (event.key === "Escape") close();
      else return;
      event.preventDefault();
    });
    textarea.addEventListener("blur", () => window.setTimeout(close, 150));
  }

  // -- reply to a post, quote a post or a selection of it (into the page's reply composer)
  function setupQuoting() {
    const composer = document.querySelector("#reply [data-composer]");
    if (!composer) return;
    const textarea = composer.querySelector("textarea");
    const replyTo = composer.querySelector("input[name=reply_to]");
    const replyBox = composer.querySelector("[data-composer-reply-to]");
    const replyLabel = composer.querySelector("[data-composer-reply-label]");

    function setReplyTo(number) {
      if (!replyTo) return;
      replyTo.value = number || "";
      if (replyBox) replyBox.hidden = !number;
      if (replyLabel && number) replyLabel.textContent = translate("Reply to #%s").replace("%s", number);
    }
    function quoteOf(link, text) {
      const author = link.dataset.quoteAuthor ? "@" + link.dataset.quoteAuthor : translate("former member");
      const lines = text.trim().split(/\r?\n/).map((line) => (line ? "> " + line : ">"));
      return "> [" + author + ", #" + link.dataset.quotePost + "](" + link.dataset.quoteUrl + "):\n>\n" + lines.join("\n") + "\n\n";
    }
    function addQuote(link, text) {
      insertText(textarea, quoteOf(link, text));
      if (replyTo && !replyTo.value) setReplyTo(link.dataset.quotePost);
      textarea.scrollIntoView({ block: "center" });
      textarea.focus();
    }
    function selectionIn(article) {
      const selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
      const body = article.querySelector(".post__body");
      const range = selection.getRangeAt(0);
      return body && body.contains(range.commonAncestorContainer) ? selection.toString() : "";
    }

    const floating = document.createElement("button");
    floating.type = "button";
    floating.className = "button button--secondary button--small composer__quote-selection";
    floating.textContent = translate("Quote");
    floating.hidden = true;
    document.body.appendChild(floating);
    let pending = null;
    document.addEventListener("selectionchange", () => {
      const selection = window.getSelection();
      const node = selection && selection.rangeCount ? selection.getRangeAt(0).commonAncestorContainer : null;
      const element = node && (node.nodeType === 1 ? node : node.parentElement);
      const article = element && element.closest("article.post");
      const link = article && article.querySelector("[data-quote-post]");
      const text = article && link ? selectionIn(article) : "";
      if (!text) {
        floating.hidden = true;
        pending = null;
        return;
      }
      const rect = selection.getRangeAt(0).getBoundingClientRect();
      floating.style.top = window.scrollY + rect.bottom + 6 + "px";
      floating.style.left = window.scrollX + rect.left + "px";
      floating.hidden = false;
      pending = { link, text };
    });
    floating.addEventListener("mousedown", (event) => event.preventDefault());
    floating.addEventListener("click", () => {
      if (pending) addQuote(pending.link, pending.text);
      floating.hidden = true;
    });

    document.addEventListener("click", (event) => {
      const quote = event.target.closest("[data-quote-post]");
      if (quote) {
        const article = quote.closest("article.post");
        const text = article ? selectionIn(article) : "";
        if (text) {
          event.preventDefault();
          addQuote(quote, text);
        }
        return; // without a selection: the link quotes the whole post (server-side)
      }
      const reply = event.target.closest("[data-reply-to]");
      if (reply) {
        event.preventDefault();
        setReplyTo(reply.dataset.replyTo);
        textarea.scrollIntoView({ block: "center" });
        textarea.focus();
        return;
      }
      if (event.target.closest("[data-composer-reply-cancel]")) {
        event.preventDefault();
        setReplyTo("");
      }
    });
  }

  document.querySelectorAll("[data-composer]").forEach(setupComposer);
  setupQuoting();
})();

// == engagement ==
// Reactions and bookmarks: the post's form is sent with fetch and the buttons update in place;
// "Teilen" copies the post's permalink. Without JavaScript the same form posts and redirects back.
(() => {
  const forms = document.querySelectorAll("form[data-engagement]");
  const shares = document.querySelectorAll("[data-share]");
  if (!forms.length && !shares.length) return;

  function announce(scope, text) {
    const status = scope && scope.querySelector("[data-engagement-status]");
    if (!status) return;
    status.textContent = text;
    window.clearTimeout(status._timer);
    status._timer = window.setTimeout(() => { status.textContent = ""; }, 4000);
  }

  function setCount(element, count) {
    const target = element.querySelector("[data-count]");
    if (target) target.textContent = count ? String(count) : "";
  }

  // counts: {kind: n}; mine: the viewer's kinds, or null to leave the pressed states alone (live events).
  function showReactions(scope, counts, mine) {
    let total = 0;
    scope.querySelectorAll("[data-kind]").forEach((element) => {
      const count = counts[element.dataset.kind] || 0;
      total += count;
      setCount(element, count);
      if (element.tagName === "BUTTON" && mine) {
        const pressed = mine.includes(element.dataset.kind);
        element.setAttribute("aria-pressed", pressed ? "true" : "false");
        element.name = pressed ? "remove" : "add";
        element.classList.toggle("reaction--mine", pressed);
      } else if (element.tagName !== "BUTTON") {
        element.hidden = !count;
      }
    });
    const who = scope.querySelector("[data-who-reacted]");
    if (who) who.hidden = !total;
  }

  function showBookmark(button, active) {
    button.setAttribute("aria-pressed", active ? "true" : "false");
    button.value = active ? "0" : "1";
    button.classList.toggle("post-action--on", active);
  }

  forms.forEach((form) => {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      // The solution changes more than this post (badge, link at the top): that one reloads the page.
      if (!button || button.hasAttribute("data-plain") || !window.fetch) return;
      event.preventDefault();
      const body = new FormData(form);
      if (button.name) body.append(button.name, button.value);
      button.disabled = true;
      fetch(button.getAttribute("formaction") || form.action, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((response) => response.json().catch(() => ({ ok: false })))
        .then((data) => {
          if (!data.ok) {
            announce(form, data.error || form.dataset.failed || "");
            return;
          }
          if ("counts" in data) showReactions(form, data.counts, data.mine);
          else if (button.hasAttribute("data-bookmark")) showBookmark(button, data.active);
        })
        .catch(() => announce(form, form.dataset.failed || ""))
        .finally(() => { button.disabled = false; });
    });
  });

  // Reactions of others arrive live through the realtime client (platform/static/js/realtime.js).
  document.addEventListener("realtime:event", (event) => {
    const frame = event.detail || {};
    if (frame.kind !== "post.reactions" || !frame.payload) return;
    const article = document.getElementById("post-" + frame.payload.post_number);
    const scope = article && article.querySelector(".post-actions__form");
    if (scope) showReactions(scope, frame.payload.counts || {}, null);
  });

  shares.forEach((link) => {
    link.addEventListener("click", (event) => {
      if (!navigator.clipboard || !window.isSecureContext) return; // the plain link still works
      event.preventDefault();
      const url = new URL(link.getAttribute("href"), window.location.href).href;
      navigator.clipboard.writeText(url).then(
        () => announce(link.closest(".post-actions__form"), link.dataset.copied),
        () => { window.location.href = url; },
      );
    });
  });
})();

// == reading ==
// Marks posts read while they are on screen: an IntersectionObserver notes the highest post
// number seen, and at most every few seconds one small POST tells the server (which never lowers
// the position). Without JavaScript, loading a topic page marks the posts shown on it read.
(function () {
  const list = document.querySelector(".post-list[data-read-url]");
  if (!list || !("IntersectionObserver" in window)) return;
  const SEND_EVERY_MS = 4000;
  const SEEN_AFTER_MS = 800; // on screen at least this long: scrolling past does not count
  let highestSeen = 0;
  let highestSent = 0;
  let timer = null;
  const visibleSince = new Map();

  function send() {
    timer = null;
    if (highestSeen <= highestSent) return;
    const data = new FormData();
    data.append("post_number", String(highestSeen));
    data.append("csrfmiddlewaretoken", list.dataset.csrf || "");
    highestSent = highestSeen;
    fetch(list.dataset.readUrl, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
      .catch(() => {
        highestSent = 0; // try again with the next batch
      });
  }

  function schedule() {
    if (timer === null) timer = window.setTimeout(send, SEND_EVERY_MS);
  }

  function numberOf(article) {
    const match = /^post-(\d+)$/.exec(article.id);
    return match ? Number(match[1]) : 0;
  }

  const observer = new IntersectionObserver(
    (entries) => {
      const now = Date.now();
      for (const entry of entries) {
        const number = numberOf(entry.target);
        if (entry.isIntersecting) {
          visibleSince.set(number, now);
          window.setTimeout(() => {
            const since = visibleSince.get(number);
            if (since !== undefined && Date.now() - since >= SEEN_AFTER_MS && number > highestSeen) {
              highestSeen = number;
              schedule();
            }
          }, SEEN_AFTER_MS);
        } else {
          visibleSince.delete(number);
        }
      }
    },
    { threshold: 0.5 },
  );

  function observeAll(root) {
    root.querySelectorAll("article.post[id^='post-']").forEach((article) => observer.observe(article));
  }

  observeAll(list);
  // Posts that arrive live (realtime) are added to the list: watch them as well.
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      mutation.addedNodes.forEach((node) => {
        if (node.nodeType !== 1) return;
        if (node.matches("article.post[id^='post-']")) observer.observe(node);
        else observeAll(node);
      });
    }
  }).observe(list, { childList: true, subtree: true });

  // Leaving the page: send what was seen since the last request.
  window.addEventListener("pagehide", () => {
    if (timer !== null) window.clearTimeout(timer);
    send();
  });
})();

// == chat ==
// A chat room turns live when the realtime client is on the page: new messages are fetched as
// server-rendered fragments (permission-checked) and appended; the form posts by fetch and keeps
// the text when the server refuses. No HTML is ever built from message text here.
(function () {
  var room = document.querySelector("[data-chat-room]");
  if (!room || !window.fetch) {
    return;
  }
  var list = room.querySelector(".chat-messages");
  var form = room.querySelector(".chat-form");
  var roomUrl = room.getAttribute("data-room-url");

  function hasMessage(id) {
    return Boolean(document.getElementById("m-" + id));
  }

  function insertHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html; // server-rendered and sanitised
    var article = template.content.querySelector("article[data-message-id]");
    if (!article) {
      return;
    }
    var existing = document.getElementById(article.id);
    if (existing) {
      existing.replaceWith(article);
      return;
    }
    var empty = list.querySelector(".chat-empty");
    if (empty) {
      empty.remove();
    }
    // Fragments arrive in any order (one fetch each; a replay after a reconnect sends several
    // at once): place each by its id, which grows with the room's order.
    var id = Number(article.getAttribute("data-message-id"));
    var later = Array.prototype.find.call(list.querySelectorAll(":scope > article[data-message-id]"), function (other) {
      return Number(other.getAttribute("data-message-id")) > id;
    });
    list.insertBefore(article, later || null);
  }

  function loadFragment(id, replace) {
    if (!replace && hasMessage(id)) {
      return;
    }
    fetch(roomUrl + "nachrichten/" + id + "/", { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (html) {
          insertHtml(html);
        }
      });
  }

  // -- presence and typing --
  // Ephemeral: the server keeps them in its cache for a short time. The page renews the member's
  // presence by a heartbeat and announces typing at most every few seconds; both are optional,
  // so every failure here is ignored. Names are only ever set as text, never as HTML.
  var viewerId = room.getAttribute("data-viewer-id");
  var presenceUrl = room.getAttribute("data-presence-url");
  var typingUrl = room.getAttribute("data-typing-url");
  var presenceBox = room.querySelector(".chat-presence");
  var presenceList = presenceBox && presenceBox.querySelector(".chat-presence__list");
  var presenceCount = presenceBox && presenceBox.querySelector(".chat-presence__count");
  var typingBox = room.querySelector(".chat-typing");
  var typingSeconds = Number(room.getAttribute("data-typing-seconds")) || 5;
  var typists = new Map(); // user id -> {name, timer}
  var HIDDEN_STOP_MS = 5 * 60 * 1000; // like the socket: a tab hidden this long stops counting as present

  function csrfToken() {
    var input = room.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function postQuietly(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .catch(function () {
        return null;
      });
  }

  function renderPresence(online, count) {
    if (!presenceList) {
      return;
    }
    var items = (online || []).map(function (person) {
      var item = document.createElement("li");
      item.setAttribute("data-user-id", String(person.user_id));
      item.textContent = person.name;
      return item;
    });
    presenceList.replaceChildren.apply(presenceList, items);
    if (presenceCount) {
      presenceCount.textContent = "(" + (typeof count === "number" ? count : items.length) + ")";
    }
    presenceBox.hidden = false;
  }

  function renderTyping() {
    if (!typingBox) {
      return;
    }
    var names = [];
    typists.forEach(function (entry) {
      names.push(entry.name);
    });
    var text = "";
    if (names.length === 1) {
      text = (typingBox.getAttribute("data-one") || "%(name)s …").replace("%(name)s", names[0]);
    } else if (names.length === 2) {
      text = (typingBox.getAttribute("data-two") || "%(first)s, %(second)s …")
        .replace("%(first)s", names[0])
        .replace("%(second)s", names[1]);
    } else if (names.length > 2) {
      text = typingBox.getAttribute("data-many") || "…";
    }
    typingBox.textContent = text;
    typingBox.hidden = !text;
  }

  function stopTyping(userId) {
    var key = String(userId);
    var entry = typists.get(key);
    if (entry) {
      window.clearTimeout(entry.timer);
      typists.delete(key);
      renderTyping();
    }
  }

  function startTyping(userId, name, seconds) {
    var key = String(userId);
    if (key === viewerId || !name) {
      return;
    }
    var entry = typists.get(key);
    if (entry) {
      window.clearTimeout(entry.timer);
    }
    typists.set(key, {
      name: name,
      timer: window.setTimeout(function () {
        stopTyping(key);
      }, (seconds || typingSeconds) * 1000),
    });
    renderTyping();
  }

  if (presenceUrl) {
    var heartbeatMs = (Number(room.getAttribute("data-heartbeat-seconds")) || 30) * 1000;
    var heartbeatTimer = null;
    var hiddenSince = document.hidden ? Date.now() : null;

    var scheduleHeartbeat = function () {
      window.clearTimeout(heartbeatTimer);
      heartbeatTimer = window.setTimeout(heartbeat, heartbeatMs);
    };

    var heartbeat = function () {
      if (hiddenSince !== null && Date.now() - hiddenSince > HIDDEN_STOP_MS) {
        heartbeatTimer = null; // resumed by visibilitychange
        return;
      }
      postQuietly(presenceUrl).then(function (result) {
        if (result && result.enabled === false) {
          return; // switched off on the server (load): no more heartbeats from this page
        }
        if (result && result.available) {
          if (result.heartbeat_seconds) {
            heartbeatMs = result.heartbeat_seconds * 1000;
          }
          renderPresence(result.online, result.count);
          (result.typing || []).forEach(function (person) {
            startTyping(person.user_id, person.name, result.typing_seconds);
          });
        }
        scheduleHeartbeat();
      });
    };

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        hiddenSince = Date.now();
        return;
      }
      var wasStopped = heartbeatTimer === null;
      hiddenSince = null;
      if (wasStopped) {
        heartbeat();
      }
    });
    // The page view itself counted as presence; the first heartbeat follows one interval later.
    scheduleHeartbeat();
  }

  room.addEventListener("realtime:event", function (event) {
    var frame = event.detail || {};
    var payload = frame.payload || {};
    if (frame.stream !== room.getAttribute("data-stream")) {
      return;
    }
    if (frame.kind === "presence.changed") {
      renderPresence(payload.online, payload.count);
      return;
    }
    if (frame.kind === "typing.started") {
      startTyping(payload.user_id, payload.name, payload.expires_in);
      return;
    }
    if (!payload.message_id) {
      return;
    }
    if (frame.kind === "message.created") {
      if (payload.author_id) {
        stopTyping(payload.author_id); // the message they were typing has arrived
      }
      loadFragment(payload.message_id, false);
    } else if (hasMessage(payload.message_id)) {
      loadFragment(payload.message_id, true);
    }
  });

  if (form) {
    var textarea = form.querySelector("textarea");
    var errorBox = form.querySelector(".chat-form__error");
    var typingSentAt = 0;
    var typingIntervalMs = (Number(room.getAttribute("data-typing-interval")) || 3) * 1000;
    if (typingUrl && textarea) {
      // At most one notice per interval while the member types; the server drops closer ones.
      textarea.addEventListener("input", function () {
        var now = Date.now();
        if (textarea.value.trim() && now - typingSentAt >= typingIntervalMs) {
          typingSentAt = now;
          postQuietly(typingUrl);
        }
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      errorBox.hidden = true;
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().catch(function () {
            return { ok: false, errors: [] };
          });
        })
        .then(function (result) {
          if (result.ok) {
            textarea.value = "";
            var image = form.querySelector("input[type=file]");
            if (image) {
              image.value = "";
            }
            typingSentAt = 0; // the next message announces itself at once
            var reply = form.querySelector("input[name=reply_to]");
            if (reply) {
              reply.value = "";
            }
            insertHtml(result.html);
          } else {
            // The typed text stays in the field; the server's message says why.
            errorBox.textContent = (result.errors || []).join(" ") || form.getAttribute("data-error") || "";
            errorBox.hidden = false;
          }
        })
        .catch(function () {
          errorBox.textContent = navigator.onLine === false ? "Offline" : "…";
          errorBox.hidden = false;
        });
    });
  }
})();

// == live topic ==
// On the last page of a topic a member sees new posts arrive: their own (from another tab) at
// once, those of others behind a bar "1 neuer Beitrag" that inserts them, as in Discourse.
// Edits, hides and restores replace the post in place. Posts come as server-rendered fragments
// from a permission-checked view; the realtime event itself names only the post number.
(function () {
  const list = document.querySelector(".post-list[data-stream]");
  if (!list || !window.fetch) return;
  const bar = document.querySelector(".new-posts-bar");
  const button = bar && bar.querySelector("button");
  const topicUrl = list.dataset.topicUrl;
  const viewerId = Number(list.dataset.viewerId);
  const waiting = new Set();
  const REPLACING = new Set(["post.edited", "post.hidden", "post.unhidden", "post.restored", "post.deleted"]);

  function articleFor(number) {
    return document.getElementById("post-" + number);
  }

  function fetchPost(number) {
    return fetch(topicUrl + number + "/fragment/", { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        if (!html) return null;
        const template = document.createElement("template");
        template.innerHTML = html; // server-rendered and sanitised
        return template.content.querySelector("article[id^='post-']");
      })
      .catch(() => null);
  }

  function place(article) {
    const existing = document.getElementById(article.id);
    if (existing) {
      existing.replaceWith(article);
      return;
    }
    const number = Number(article.id.slice(5));
    const later = Array.prototype.find.call(
      list.querySelectorAll(":scope > article[id^='post-']"),
      (other) => Number(other.id.slice(5)) > number,
    );
    list.insertBefore(article, later || null);
  }

  function showBar() {
    if (!bar || !button) return;
    const count = waiting.size;
    bar.hidden = count === 0;
    const template = count === 1 ? button.dataset.labelOne : button.dataset.labelOther;
    button.textContent = (template || "%(count)s").replace("%(count)s", String(count));
  }

  function insertWaiting() {
    const numbers = Array.from(waiting).sort((a, b) => a - b);
    waiting.clear();
    showBar();
    Promise.all(numbers.map(fetchPost)).then((articles) => {
      const found = articles.filter(Boolean);
      found.forEach(place);
      if (found.length) found[0].scrollIntoView({ block: "start" });
    });
  }

  if (button) button.addEventListener("click", insertWaiting);

  list.addEventListener("realtime:event", (event) => {
    const frame = event.detail || {};
    const payload = frame.payload || {};
    const number = Number(payload.post_number);
    if (frame.stream !== list.dataset.stream || !number) return;
    if (frame.kind === "post.created") {
      if (articleFor(number)) return;
      if (payload.author_id === viewerId) {
        fetchPost(number).then((article) => article && place(article));
      } else {
        waiting.add(number);
        showBar();
      }
    } else if (REPLACING.has(frame.kind) && articleFor(number)) {
      fetchPost(number).then((article) => article && place(article));
    }
  });
})();

// == new topics on a list ==
// A topic list follows its categories' streams; when others start topics it offers
// "2 neue Themen", which reloads the list (the server renders the rows, with their read state).
(function () {
  const bar = document.querySelector(".new-topics-bar");
  if (!bar) return;
  const button = bar.querySelector("button");
  const viewerId = Number(bar.dataset.viewerId);
  const fresh = new Set();

  bar.addEventListener("realtime:event", (event) => {
    const frame = event.detail || {};
    const payload = frame.payload || {};
    if (frame.kind !== "topic.created" || !payload.topic_id || payload.author_id === viewerId) return;
    fresh.add(payload.topic_id);
    const template = fresh.size === 1 ? button.dataset.labelOne : button.dataset.labelOther;
    button.textContent = (template || "%(count)s").replace("%(count)s", String(fresh.size));
    button.hidden = false;
  });
  button.addEventListener("click", () => window.location.reload());
})();

// == chat overview ==
// The overview follows the member's rooms: a message of someone else counts up the room's unread
// badge; reading the room in another tab (chat.read on the member's own stream) clears it.
(function () {
  const list = document.querySelector(".chat-rooms[data-viewer-id]");
  if (!list) return;
  const viewerId = Number(list.dataset.viewerId);
  const counted = new Set();

  function show(item, count) {
    item.dataset.unread = String(count);
    item.classList.toggle("chat-rooms__item--unread", count > 0);
    const badge = item.querySelector(".chat-badge--unread");
    if (!badge) return;
    badge.hidden = count === 0;
    badge.textContent = (list.dataset.labelUnread || "%(count)s").replace("%(count)s", String(count));
  }

  list.addEventListener("realtime:event", (event) => {
    const frame = event.detail || {};
    const payload = frame.payload || {};
    const item = event.target.closest("li[data-room-id]");
    if (!item || frame.kind !== "message.created" || !payload.message_id) return;
    if (payload.author_id === viewerId || counted.has(payload.message_id)) return;
    counted.add(payload.message_id);
    show(item, Number(item.dataset.unread || 0) + 1);
  });

  document.addEventListener("realtime:event", (event) => {
    const frame = event.detail || {};
    const payload = frame.payload || {};
    if (frame.kind !== "chat.read" || !payload.room_id) return;
    const item = list.querySelector('li[data-room-id="' + Number(payload.room_id) + '"]');
    if (item) show(item, 0);
  });
})();
