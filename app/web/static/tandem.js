// Tandem's own behaviour for every page: CSRF on htmx requests and the keyboard shortcuts.
// The conversation page's own behaviour is in conversation.js.
// Loaded as a file (the pages' CSP allows no inline script); it never evaluates strings.
"use strict";

(function () {
  const body = document.body;

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = body.dataset.csrf || "";
  });

  function typingTarget(el) {
    return el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  }

  // ---- inbox rows: j/k/Enter
  function rows() { return Array.from(document.querySelectorAll("li.conversation")); }
  function focusedIndex() { return rows().findIndex((r) => r.classList.contains("focused")); }
  function focusRow(index) {
    const all = rows();
    if (!all.length) return;
    const next = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((r) => r.classList.remove("focused"));
    all[next].classList.add("focused");
    all[next].querySelector("a.row-link").focus();
  }

  function closeSelection() {
    const page = document.getElementById("close-form");
    if (page) { page.submit(); return; }
    const bulk = document.getElementById("bulk");
    if (!bulk) return;
    const index = focusedIndex();
    if (!bulk.querySelector("input[name=ids]:checked") && index >= 0) {
      rows()[index].querySelector("input[name=ids]").checked = true;
    }
    document.getElementById("bulk-action").value = "close";
    bulk.submit();
  }

  function focusById(id) {
    const el = document.getElementById(id);
    if (el) { el.focus(); el.scrollIntoView({ block: "center" }); return true; }
    return false;
  }

  const shortcuts = {
    j: () => focusRow(focusedIndex() + 1),
    k: () => focusRow(focusedIndex() - 1),
    "/": () => focusById("search"),
    e: closeSelection,
    a: () => focusById("assignee") || focusById("bulk-action"),
    r: () => focusById("reply-body"),
    n: () => focusById("note-body"),
    "?": () => { const help = document.getElementById("help"); if (help) help.showModal(); },
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingTarget(event.target)) return;
    if (event.key === "Enter") {
      const index = focusedIndex();
      if (index >= 0 && event.target === body) { window.location = rows()[index].dataset.href; }
      return;
    }
    const action = shortcuts[event.key];
    if (action) { event.preventDefault(); action(); }
  });
})();
