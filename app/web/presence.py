"""The conversation page's presence: each open tab refreshes its own (and says whether its
reply box holds text), and gets back the line naming the teammates also there, so two agents
do not answer one client twice. The rows, their expiry and the `presence` events that tell
the other tabs at once are `inbox.presence`'s; this module only parses and renders.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from app.core.db import get_scoped
from app.core.models import Conversation, utcnow
from app.core.plain_text import ONE_LINE
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web.pages import render
from inbox.presence import Viewer, leave, refresh

router = APIRouter()


@router.post("/c/{id}/presence")
def here(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    typing: Annotated[bool, Form()] = False,
    tab: Annotated[str, Form(max_length=32), ONE_LINE] = "",
    leaving: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """Refreshed by the page every few seconds (and once more, `leaving`, when it closes)."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    others: list[Viewer] = []
    if leaving:
        leave(session, conversation=conversation, user=user, tab=tab, now=utcnow())
    else:
        others = refresh(
            session, conversation=conversation, user=user, tab=tab, typing=typing, now=utcnow()
        )
    return render(request, session, user, "_presence.html", {"others": others, "cid": id})
