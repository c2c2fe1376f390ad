"""Closing a conversation with a resolution message from its page: the canned reply picked, or
the default text, followed by the links that ask the client to rate the answer
(`inbox.resolution`), as `PATCH /api/v1/conversations/{id}` with `resolution_template_id` does.
The message waits in the outbox for the undo window like any reply."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response

from app.core.db import get_scoped
from app.core.errors import Invalid, TandemError
from app.core.i18n import gettext as _
from app.core.models import Conversation, ConversationStatus, Template, utcnow
from app.http.auth import WebUser
from app.http.dependencies import SessionDep, SettingsDep
from app.http.outbox import OutboxDep
from app.http.refusals import refusal_status, refused
from app.web.conversation import conversation_page
from inbox.changes import change_conversation
from inbox.rating_links import RatingLinks
from inbox.resolution import queue_resolution

router = APIRouter()


@router.post("/c/{id}/resolve")
def resolve(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    settings: SettingsDep,
    outbox: OutboxDep,
    template_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Closed, and the client told so; a refusal (a template that repeats a note, a
    conversation closed already) shows the page again and changes nothing."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    now = utcnow()
    try:
        if conversation.status == ConversationStatus.CLOSED:
            raise Invalid(_("It is closed already: reply to tell the client something more."))
        if template_id and not template_id.isdigit():
            raise Invalid(_("Unknown template."))
        template = (
            get_scoped(session, Template, int(template_id), user.workspace_id)
            if template_id
            else None
        )
        change_conversation(
            session=session,
            conversation=conversation,
            actor=user,
            changes={"status": ConversationStatus.CLOSED},
            now=now,
        )
        queue_resolution(
            session,
            conversation=conversation,
            template=template,
            author=user,
            links=RatingLinks.of(settings),
            confirmed=False,
            now=now,
            delay=outbox.undo_window,
        )
    except TandemError as exc:
        error = refused(session, exc)
        return conversation_page(
            request, session, user, id, error=error, status_code=refusal_status(exc)
        )
    outbox.send_new_after_response()
    return RedirectResponse(f"/c/{id}", status_code=status.HTTP_303_SEE_OTHER)
