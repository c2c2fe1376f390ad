// Answers that worked before (templates/_similar_answers.html): "Use as draft" puts the reply
// that closed a similar conversation in the reply box, as choosing a template does, asking
// before it replaces what the agent typed. Listens on the document, so the panel works after
// htmx draws it. Without script the form asks the server, which shows the page with the text.
// Loaded as a file (the pages' CSP allows no inline script); it never evaluates strings.
"use strict";

(function () {
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("use-answer")) return;
    const box = document.getElementById("reply-body");
    if (!box) return;
    event.preventDefault();
    const text = form.dataset.text || "";
    if (box.value.trim() && box.value !== text && !window.confirm(form.dataset.confirm)) return;
    box.value = text;
    box.dispatchEvent(new Event("input"));
    box.focus();
    box.scrollIntoView({ block: "center" });
  });
})();
