// The conversation page: presence (who else is here, pushed through the tab's live stream),
// the reply-to-sender-only switch, removable reply-all chips, attachments and templates in
// the reply box, draft autosave, "Show images" and @mention autocomplete.
// Loaded as a file (the pages' CSP allows no inline script); it never evaluates strings. The
// words it shows come translated from the page, in data- attributes of the elements they are for.
"use strict";

(function () {
  const body = document.body;
  const page = document.querySelector(".conversation-page");
  if (!page) return;
  const conversationId = Number(page.dataset.conversation);
  const tab = Math.random().toString(36).slice(2, 12);  // this tab's presence, among the user's

  // ---- reply to sender only: name who is dropped, ask why
  const senderOnly = document.getElementById("sender-only");
  function showMode() {
    const only = senderOnly.checked;
    document.getElementById("sender-warning").hidden = !only;
    document.getElementById("recipients-all").hidden = only;
    document.getElementById("recipients-sender").hidden = !only;
    document.getElementById("reason").required = only;
    const send = document.getElementById("send");
    send.textContent = only ? send.dataset.sender : send.dataset.all;
  }
  if (senderOnly) { senderOnly.addEventListener("change", showMode); showMode(); }

  // ---- drafts autosave in this browser until the reply is sent
  const replyForm = document.getElementById("reply-form");
  const replyBody = document.getElementById("reply-body");
  if (replyForm && replyBody) {
    const key = replyForm.dataset.draftKey;
    if (replyForm.dataset.sent === "1") localStorage.removeItem(key);
    else if (!replyBody.value && localStorage.getItem(key)) replyBody.value = localStorage.getItem(key);
    replyBody.addEventListener("input", () => localStorage.setItem(key, replyBody.value));
  }

  // ---- presence: the tab says at once when its reply box fills or empties, and asks for the
  // line again whenever the live stream says who is here changed; the slow htmx poll renews
  // the tab's presence before it expires and stands in when the stream is down
  function typing() { return Boolean(replyBody && replyBody.value.trim()); }
  function refreshPresence() {
    const line = document.getElementById("presence");
    if (line && window.htmx) window.htmx.trigger(line, "presence-refresh");
  }
  let presenceTimer = null;
  function refreshSoon(delay) {
    window.clearTimeout(presenceTimer);
    presenceTimer = window.setTimeout(refreshPresence, delay);
  }
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "presence") {
      event.detail.parameters.typing = typing() ? "true" : "false";
      event.detail.parameters.tab = tab;
    }
  });
  if (replyBody) {
    let typed = typing();
    replyBody.addEventListener("input", function () {
      if (typing() !== typed) { typed = typing(); refreshSoon(250); }
    });
  }
  document.addEventListener("tandem:live", function (event) {
    const detail = event.detail;
    if (detail.kind === "presence" && detail.data.conversation_id === conversationId) refreshSoon(50);
  });
  window.addEventListener("pageshow", function (event) { if (event.persisted) refreshPresence(); });
  window.addEventListener("pagehide", function () {
    const form = new FormData();
    form.append("csrf_token", body.dataset.csrf || "");
    form.append("tab", tab);
    form.append("leaving", "true");
    navigator.sendBeacon("/c/" + conversationId + "/presence", form);
  });

  // ---- the timeline, fetched again (GET /c/{id}/timeline) when a message, a note or a reply's
  // step arrives; entries already shown stay as they are (a mail's frame is not reloaded), new
  // ones are marked ("New message from Lea"), and the reply and note boxes, outside it, keep
  // what is typed. The page then counts as having seen what arrived (the reply's `seen_at`).
  const timelineKinds = new Set([
    "message.stored", "note.created", "note.edited", "note.deleted", "note.restored",
    "reply.queued", "reply.cancelled", "reply.sent", "reply.failed",
  ]);
  const news = document.getElementById("timeline-news");
  let fetching = false;
  let again = false;
  async function refreshTimeline() {
    const current = document.getElementById("timeline");
    if (!current) return;
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const answer = await fetch(current.dataset.src, { credentials: "same-origin" });
      if (answer.ok) swapTimeline(current, await answer.text());
    } finally {
      fetching = false;
      if (again) { again = false; refreshTimeline(); }
    }
  }
  function swapTimeline(current, html) {
    const next = new DOMParser().parseFromString(html, "text/html").getElementById("timeline");
    if (!next) return;
    const list = current.querySelector("ol.timeline");
    const old = new Map(Array.from(list.children).map((item) => [item.id, item]));
    const known = new Set(old.keys());
    const arrived = [];
    function drop(item) { old.delete(item.id); item.remove(); }
    let place = list.firstElementChild;
    Array.from(next.querySelector("ol.timeline").children).forEach(function (item) {
      const kept = item.id && old.get(item.id);
      if (kept && kept.dataset.version === item.dataset.version) {
        old.delete(item.id);
        while (place && place !== kept) { const gone = place; place = place.nextElementSibling; drop(gone); }
        place = kept.nextElementSibling;
        return;
      }
      const adopted = document.adoptNode(item);
      list.insertBefore(adopted, place);
      if (kept) { if (place === kept) place = adopted.nextElementSibling; drop(kept); }
      if (item.id && !known.has(item.id)) arrived.push(adopted);
      setUp(adopted);
    });
    while (place) { const gone = place; place = place.nextElementSibling; drop(gone); }
    current.querySelector(".outbox-list").replaceWith(document.adoptNode(next.querySelector(".outbox-list")));
    current.dataset.seenAt = next.dataset.seenAt;
    const seen = replyForm && replyForm.querySelector("input[name=seen_at]");
    if (seen) seen.value = next.dataset.seenAt;
    const said = [];
    arrived.forEach(function (item) {
      const marker = item.querySelector(".new-marker");
      if (!marker) return;
      marker.hidden = false;
      item.classList.add("fresh");
      said.push(marker.textContent);
    });
    if (news && said.length) news.textContent = said.join(" · ");
  }
  document.addEventListener("tandem:live", function (event) {
    const detail = event.detail;
    if (timelineKinds.has(detail.kind) && detail.data.conversation_id === conversationId) refreshTimeline();
  });

  // ---- reply-all chips: a struck-out chip is posted as `exclude`; say who will not get it
  const removedWarning = document.getElementById("removed-warning");
  const chipBoxes = Array.from(document.querySelectorAll("#recipients-all input.chip-remove"));
  function showRemoved() {
    const removed = chipBoxes.filter((box) => box.checked).map((box) => box.value);
    chipBoxes.forEach((box) => box.closest(".chip").classList.toggle("removed", box.checked));
    document.getElementById("removed-names").textContent = removed.join(", ");
    removedWarning.hidden = removed.length === 0;
  }
  if (removedWarning) {
    chipBoxes.forEach((box) => box.addEventListener("change", showRemoved));
    showRemoved();
  }

  // ---- attachments: name the chosen files before sending
  const files = document.getElementById("reply-files");
  const chosen = document.getElementById("chosen-files");
  if (files && chosen) {
    files.addEventListener("change", function () {
      chosen.replaceChildren(...Array.from(files.files).map(function (file) {
        const item = document.createElement("li");
        const size = Math.max(1, Math.round(file.size / 1024)).toLocaleString(document.documentElement.lang);
        item.textContent = file.name + " (" + chosen.dataset.size.replace("{size}", size) + ")";
        return item;
      }));
      chosen.hidden = files.files.length === 0;
    });
  }

  // ---- templates: the rendered text goes into an empty box; typed text is replaced only if
  // the agent agrees
  const template = document.getElementById("template");
  if (template && replyBody) {
    let previous = template.value;
    template.addEventListener("change", async function () {
      if (!template.value) { previous = ""; return; }
      const url = "/templates/" + encodeURIComponent(template.value) + "/text?conversation_id=" +
        encodeURIComponent(template.dataset.conversation);
      const answer = await fetch(url, { credentials: "same-origin" });
      if (!answer.ok) {
        let detail = answer.statusText;
        try { detail = (await answer.json()).detail; } catch (_) { /* not JSON: keep the status */ }
        window.alert(template.dataset.refused + " " + detail);
        template.value = previous;
        return;
      }
      const text = await answer.text();
      if (replyBody.value.trim() && replyBody.value !== text &&
          !window.confirm(template.dataset.replace)) {
        template.value = previous;
        return;
      }
      replyBody.value = text;
      replyBody.dispatchEvent(new Event("input"));
      previous = template.value;
    });
  }

  // ---- remote images only when asked
  // ---- each timeline entry as it is shown (on load, and as it arrives): a mail's frame is as
  // tall as its content (the framed document is same-origin, see app/web/conversation.py, and
  // runs no script of its own), again when it reflows (width, images); remote images only
  // when asked
  function fit(frame) {
    if (!frame.isConnected) { frames.delete(frame); return; }
    const framed = frame.contentDocument;
    if (!framed || !framed.documentElement || !framed.body) return;
    frame.style.height = Math.ceil(framed.documentElement.getBoundingClientRect().height) + "px";
    frame.classList.add("fitted");
  }
  function watch(frame) {
    const framed = frame.contentDocument;
    if (!framed || framed.URL === "about:blank" || !framed.documentElement) return;
    fit(frame);
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(() => fit(frame)).observe(framed.documentElement);
    }
    framed.querySelectorAll("img").forEach((image) => image.addEventListener("load", () => fit(frame)));
  }
  const frames = new Set();
  window.addEventListener("resize", () => frames.forEach(fit));
  function setUp(item) {
    item.querySelectorAll("iframe.mail-html").forEach(function (frame) {
      frames.add(frame);
      frame.addEventListener("load", () => watch(frame));
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") watch(frame);
    });
    item.querySelectorAll("button.show-images").forEach(function (button) {
      button.addEventListener("click", function () {
        const frame = item.querySelector("iframe");
        frame.src = frame.dataset.imagesSrc;
        button.disabled = true;
      });
    });
  }
  document.querySelectorAll("ol.timeline > li").forEach(setUp);

  // ---- @mention autocomplete in the note box
  const note = document.getElementById("note-body");
  const list = document.getElementById("mention-list");
  let people = null;
  function mentionQuery() {
    const before = note.value.slice(0, note.selectionStart);
    const match = before.match(/(^|\s)@([\p{L}\p{N}._-]*)$/u);
    return match ? match[2] : null;
  }
  function insert(person) {
    const start = note.selectionStart;
    const before = note.value.slice(0, start).replace(/@[\p{L}\p{N}._-]*$/u, "");
    const token = person.name ? '@"' + person.name + '" ' : "@" + person.email + " ";
    note.value = before + token + note.value.slice(start);
    note.focus();
    list.hidden = true;
  }
  function show(query) {
    const q = query.toLowerCase();
    const found = people.filter((p) => (p.name + " " + p.email).toLowerCase().includes(q)).slice(0, 6);
    list.replaceChildren(...found.map(function (person) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = (person.name || person.email) + " <" + person.email + ">";
      button.addEventListener("click", () => insert(person));
      item.appendChild(button);
      return item;
    }));
    list.hidden = found.length === 0;
  }
  if (note && list) {
    note.addEventListener("input", async function () {
      const query = mentionQuery();
      if (query === null) { list.hidden = true; return; }
      if (people === null) people = await (await fetch("/members.json")).json();
      show(query);
    });
    note.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !list.hidden && list.querySelector("button")) {
        event.preventDefault();
        list.querySelector("button").click();
      } else if (event.key === "Escape") { list.hidden = true; }
    });
  }
})();
