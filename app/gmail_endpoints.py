"""The two HTTP entry points Google calls: the OAuth callback a browser lands on after consent,
and the Pub/Sub push receiver. Neither uses a Tandem login: the callback is found by its
single-use `state`, a push by its signed token or the secret token in its URL.

Both only write what the sync should do (`request_sync`); the request's session commits it,
and the scheduler is woken after the response, when the sync can see it.
"""

import html
import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status
from fastapi.responses import HTMLResponse

from app.core.errors import Forbidden, TandemError
from app.core.models import utcnow
from app.http.dependencies import SessionDep, SettingsDep
from gmail_sync.connect import claim_connection, finish_connection
from gmail_sync.oauth import CALLBACK_PATH
from gmail_sync.push import accept_push, authenticate_push, read_push

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


def _page(title: str, text: str, status_code: int = 200) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="/static/tandem.css"><title>{html.escape(title)} · Tandem'
        f'</title></head><body><main><section class="card narrow"><h1>{html.escape(title)}</h1>'
        f'<p>{html.escape(text)}</p><p><a href="/">Open Tandem</a></p>'
        "</section></main></body></html>"
    )
    return HTMLResponse(body, status_code=status_code)


@router.get(CALLBACK_PATH)
def oauth_callback(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    state: str = "",
    code: str = "",
    error: str = "",
) -> HTMLResponse:
    """The state is used up even when the exchange fails (only the exchange's own writes are
    undone, in a savepoint), so a failed authorization link cannot be replayed."""
    if error:
        return _page("Not connected", f"Google did not grant access ({error}).", 400)
    now = utcnow()
    try:
        claimed = claim_connection(session=session, state=state, now=now)
        with session.begin_nested():
            mailbox = finish_connection(
                session=session, settings=settings, claimed=claimed, code=code, now=now
            )
    except TandemError as exc:
        return _page("Not connected", str(exc), exc.status_code if exc.status_code < 500 else 502)
    background.add_task(request.app.state.wake_sync)
    return _page(
        "Mailbox connected", f"{mailbox.email} is connected; Tandem is importing its mail."
    )


async def raw_body(request: Request) -> bytes:
    """The body, read on the event loop so the route itself can run in the thread pool."""
    return await request.body()


def _unauthenticated() -> Response:
    return Response(
        '{"detail": "unauthenticated push"}', status_code=401, media_type="application/json"
    )


@router.post("/gmail/push")
def gmail_push(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    body: Annotated[bytes, Depends(raw_body)],
) -> Response:
    """204 once accepted (Pub/Sub then stops redelivering); 401 and no change otherwise."""
    try:
        authenticate_push(
            settings=settings,
            token=request.query_params.get("token"),
            authorization=request.headers.get("Authorization"),
        )
    except Forbidden as exc:
        logger.warning("push rejected", extra={"reason": str(exc)})
        return _unauthenticated()
    if accept_push(session=session, notice=read_push(body), now=utcnow()) is not None:
        background.add_task(request.app.state.wake_sync)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
