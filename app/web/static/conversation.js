// The conversation page: presence (who else is here, pushed through the tab's live stream),
// the reply-to-sender-only switch, removable reply-all chips, attachments and templates in
// the reply box, draft autosave, "Show images" and @mention autocomplete.
// Loaded as a file (the pages' CSP allows no inline script); it never evaluates strings.
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
    document.getElementById("send").textContent = only ? "Send to sender only" : "Send to all";
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
  window.addEventListener("pagehide", function () {
    const form = new FormData();
    form.append("csrf_token", body.dataset.csrf || "");
    form.append("tab", tab);
    form.append("leaving", "true");
    navigator.sendBeacon("/c/" + conversationId + "/presence", form);
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
        item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
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
        window.alert("The template could not be used: " + detail);
        template.value = previous;
        return;
      }
      const text = await answer.text();
      if (replyBody.value.trim() && replyBody.value !== text &&
          !window.confirm("Replace the text you typed with this template?")) {
        template.value = previous;
        return;
      }
      replyBody.value = text;
      replyBody.dispatchEvent(new Event("input"));
      previous = template.value;
    });
  }

  // ---- remote images only when asked
  document.querySelectorAll("button.show-images").forEach(function (button) {
    button.addEventListener("click", function () {
      const frame = document.getElementById(button.dataset.frame).querySelector("iframe");
      frame.src = frame.dataset.imagesSrc;
      button.disabled = true;
    });
  });

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
