"""`GET /events`: the live event stream of one browser tab (Server-Sent Events), so the inbox
list, the conversation page and the notification bell change as the team works.

A signed-in tab gets its workspace's events and its user's own notifications, each as
`id:`/`event:`/`data:` lines (the data is JSON: ids and small facts, never a note's body or
a mail's text). A tab that reconnects sends `Last-Event-ID` (or `?after=` on its first
connection, the id its page was rendered at) and gets what it missed; one that was away too
long gets `event: reload` and should load the page again. The stream is woken by this
process's `LiveHub` and never waits on the database; the request's session has closed before
the stream runs, so the little reading it does (catching up) is its own, in a worker thread.
A stream ends after `LIFETIME_SECONDS` and the browser reconnects at once: a signed-out or
deactivated user's tab stops receiving there. A notification's toast text is written here, in
the language and zone the tab's reader was settled in when the stream began.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from app.core.live import Audience, Live, LiveRow
from app.core.models import id_of
from app.core.notice_text import sentence
from app.http.auth import WebUser
from app.http.live_hub import LiveHub

router = APIRouter(include_in_schema=False)

KEEP_ALIVE_SECONDS = 15.0
LIFETIME_SECONDS = 300.0
#: How soon the browser reconnects after a stream ends (EventSource's `retry`), in ms.
RETRY_MS = 1000


@router.get("/events")
async def events(
    request: Request,
    user: WebUser,
    after: int | None = None,
    last_event_id: Annotated[int | None, Header()] = None,
) -> StreamingResponse:
    """The tab's stream; `Last-Event-ID` (a reconnection) wins over `after`."""
    hub: LiveHub = request.app.state.live_hub
    audience = Audience(user.workspace_id, id_of(user))
    frames = _frames(hub, audience, last_event_id if last_event_id is not None else after)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(frames, media_type="text/event-stream", headers=headers)


async def _frames(hub: LiveHub, audience: Audience, after: int | None) -> AsyncIterator[str]:
    await to_thread.run_sync(hub.start)
    waiter = hub.waiter()
    try:
        cursor = hub.position if after is None else after
        yield f"retry: {RETRY_MS}\nid: {cursor}\n\n"
        checked = after is None  # a returning tab's id is checked against the database once
        ends = time.monotonic() + LIFETIME_SECONDS
        while time.monotonic() < ends and not hub.closing:
            read = hub.read(cursor, audience) if checked else None
            if read is None:
                read, checked = await to_thread.run_sync(hub.catch_up, cursor, audience), True
                if read is None:
                    yield 'event: reload\ndata: {"reason": "too far behind"}\n\n'
                    return
            rows, cursor = read
            if rows:
                yield "".join(_frame(row) for row in rows)
                continue
            waiter.event.clear()
            if hub.position > cursor or hub.closing:
                continue
            try:
                await asyncio.wait_for(waiter.event.wait(), KEEP_ALIVE_SECONDS)
            except TimeoutError:
                yield f": keep-alive\nid: {cursor}\n\n"
        yield f"id: {cursor}\n\n"
    finally:
        hub.release(waiter)


def _frame(row: LiveRow) -> str:
    data = {"conversation_id": row.conversation_id, **row.data}
    if row.conversation_id is None:
        del data["conversation_id"]
    if row.kind == Live.NOTIFICATION:
        data["text"] = sentence(data["kind"], data.pop("params", None), data["text"])
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"id: {row.id}\nevent: {row.kind}\ndata: {text}\n\n"
