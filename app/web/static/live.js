// The tab's one live stream (`GET /events`, Server-Sent Events): every event is handed to the
// page's own code as a `tandem:live` DOM event ({kind, id, data}), so each part of a page
// (inbox list, conversation, bell, presence) listens for what concerns it and no part opens a
// second stream. The stream starts from the event id the page was rendered at, so nothing that
// happened between rendering and connecting is missed; EventSource reconnects by itself with
// Last-Event-ID. A tab too far behind is told to reload.
"use strict";

(function () {
  const body = document.body;
  if (!("liveAfter" in body.dataset) || typeof EventSource === "undefined") return;
  const stream = new EventSource("/events?after=" + encodeURIComponent(body.dataset.liveAfter));
  const kinds = [
    "conversation.created", "conversation.updated", "message.stored",
    "reply.queued", "reply.cancelled", "reply.sent", "reply.failed",
    "note.created", "note.edited", "note.deleted", "note.restored",
    "notification", "notifications.read", "presence",
  ];
  function hand(event) {
    let data = {};
    try { data = JSON.parse(event.data); } catch (_) { return; }
    document.dispatchEvent(new CustomEvent("tandem:live", {
      detail: { kind: event.type, id: Number(event.lastEventId), data: data },
    }));
  }
  kinds.forEach((kind) => stream.addEventListener(kind, hand));
  stream.addEventListener("reload", function () { stream.close(); window.location.reload(); });
  window.addEventListener("pagehide", () => stream.close());
})();
