// The open inbox list follows the team's work: when a conversation is created or changes,
// or mail is stored or sent, the list's loaded rows and the view counts are fetched again
// (once per burst of events) and put in place, keeping the focused row and the scroll.
// While the agent has rows checked nothing moves under the pointer: a bar says how many
// updates wait, and "Show" puts them in. Events come from live.js (`tandem:live`); this file
// never opens a stream of its own. A later page opened without JavaScript (a cursor in the
// URL) is left as it is: only the list's first page follows along.
"use strict";

(function () {
  const list = document.getElementById("conversation-list");
  if (!list) return;
  const source = list.dataset.liveList;
  const bar = document.getElementById("live-bar");
  const WATCHED = new Set([
    "conversation.created", "conversation.updated", "message.stored",
    "reply.queued", "reply.cancelled", "reply.sent", "reply.failed",
  ]);
  const PAGE = 50;
  let timer = null;
  let waiting = 0;

  function selecting() { return list.querySelector("input[name=ids]:checked") !== null; }

  function refreshCounts() {
    if (window.htmx && document.getElementById("views")) htmx.trigger(document.body, "tandem:counts");
  }

  async function refreshList() {
    if (!source) return;
    const loaded = list.querySelectorAll("li.conversation").length;
    const size = Math.min(500, Math.max(PAGE, loaded));
    const answer = await fetch(source + (source.includes("?") ? "&" : "?") + "size=" + size,
      { credentials: "same-origin" });
    if (!answer.ok) return;
    const fresh = document.createElement("template");
    fresh.innerHTML = await answer.text();
    put(fresh.content);
  }

  function put(fragment) {
    const focusedRow = list.querySelector("li.conversation.focused");
    const focusedId = focusedRow ? focusedRow.dataset.id : null;
    const hadFocus = focusedRow && focusedRow.contains(document.activeElement);
    const checked = new Set(Array.from(list.querySelectorAll("input[name=ids]:checked"), (box) => box.value));
    const rows = fragment.querySelectorAll("li.conversation");
    if (rows.length === 0) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = list.dataset.empty;
      fragment.prepend(empty);
    }
    fragment.querySelectorAll("input[name=ids]").forEach((box) => { box.checked = checked.has(box.value); });
    const scroll = window.scrollY;
    list.replaceChildren(fragment);
    window.scrollTo(0, scroll);
    if (window.htmx) htmx.process(list);
    const again = focusedId && list.querySelector('li.conversation[data-id="' + focusedId + '"]');
    if (again) {
      again.classList.add("focused");
      if (hadFocus) again.querySelector("a.row-link").focus({ preventScroll: true });
    }
  }

  // The bar's sentence in each plural category of the page's language, from the page.
  const counts = bar ? JSON.parse(bar.dataset.counts) : {};
  const plural = new Intl.PluralRules(document.documentElement.lang);

  function showWaiting() {
    if (!bar) return;
    const said = counts[plural.select(waiting)] || counts.other || "{count}";
    bar.querySelector(".live-count").textContent = said.replace("{count}", waiting.toLocaleString(document.documentElement.lang));
    bar.hidden = waiting === 0;
  }

  function refresh() {
    timer = null;
    refreshCounts();
    if (selecting()) { showWaiting(); return; }
    waiting = 0;
    showWaiting();
    refreshList();
  }

  document.addEventListener("tandem:live", function (event) {
    if (!WATCHED.has(event.detail.kind)) return;
    waiting += 1;
    if (timer === null) timer = window.setTimeout(refresh, 300);
  });

  if (bar) {
    bar.querySelector("button").addEventListener("click", function () {
      waiting = 0;
      showWaiting();
      refreshList();
    });
  }
})();
