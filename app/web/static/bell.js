// The notification bell on every signed-in page follows the user's notifications live: the
// unread count is fetched again when a notification arrives or is read (in any of the user's
// tabs), and a new one shows as a small toast linking to its conversation (or, for a mailbox
// that stopped syncing, to Settings, where an admin reconnects it). Text is set as
// text, never as HTML; the server writes it in the reader's language, and the page's
// #toasts carries the button's words in it. Events come from live.js (`tandem:live`).
"use strict";

(function () {
  const toasts = document.getElementById("toasts");
  const menu = document.getElementById("notifications");

  function refreshBell() {
    if (window.htmx) htmx.trigger(document.body, "tandem:bell");
    if (menu && menu.open && window.htmx) {
      htmx.ajax("GET", "/notifications", { target: menu.querySelector(".menu-body"), swap: "innerHTML" });
    }
  }

  function toast(data) {
    if (!toasts) return;
    const item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "status");
    const target = data.conversation_id ? "/c/" + encodeURIComponent(data.conversation_id)
      : data.kind === "mailbox_reauth" ? "/settings" : null;
    const text = document.createElement(target ? "a" : "span");
    if (target) text.href = target;
    text.textContent = data.text || toasts.dataset.untitled;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "link";
    close.textContent = toasts.dataset.dismiss;
    close.addEventListener("click", () => item.remove());
    item.append(text, close);
    toasts.append(item);
    while (toasts.children.length > 3) toasts.firstElementChild.remove();
    window.setTimeout(() => item.remove(), 15000);
  }

  document.addEventListener("tandem:live", function (event) {
    const kind = event.detail.kind;
    if (kind === "notification") { refreshBell(); toast(event.detail.data); }
    else if (kind === "notifications.read") refreshBell();
  });
})();
