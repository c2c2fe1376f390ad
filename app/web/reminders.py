"""Reminders from the conversation page: "remind me (or a teammate) about this", optionally
only if the client has not written by then, and cancelling a pending one.

Both forms call `inbox.reminders` with the API's own request model (`ReminderIn`), so the page
and the API accept, refuse and permit the same things.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.core.db import get_scoped
from app.core.errors import TandemError
from app.core.i18n import gettext as _
from app.core.models import Conversation, Reminder, utcnow
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.refusals import refusal_status, refused
from app.web.conversation import agent_zone, conversation_page
from app.web.when import picked_time
from inbox.reminders import ReminderIn, cancel_reminder, schedule_reminder

router = APIRouter()


@router.post("/c/{id}/reminders")
def remind(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    when: Annotated[str, Form(max_length=32)] = "",
    custom: Annotated[str, Form(max_length=64)] = "",
    whom: Annotated[str, Form(max_length=20)] = "",
    text: Annotated[str, Form()] = "",
    unless_answered: Annotated[bool, Form()] = False,
) -> Response:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    now = utcnow()
    try:
        if whom and not whom.isdigit():
            raise ValueError(_("Choose whom to remind."))
        body = ReminderIn(
            due_at=picked_time(when, custom, zone_name=agent_zone(session, user), now=now),
            text=text,
            user_id=int(whom) if whom.isdigit() else None,
            kind="followup" if unless_answered else "custom",
        )
        schedule_reminder(
            session, conversation=conversation, asker=user, request=body.request(), now=now
        )
    except (ValueError, ValidationError, TandemError) as exc:
        error = refused(session, exc)
        return conversation_page(
            request, session, user, id, error=error, status_code=refusal_status(exc)
        )
    return RedirectResponse(f"/c/{id}#reminders", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/c/{id}/reminders/{reminder_id}/cancel")
def cancel_one(
    id: int, reminder_id: int, request: Request, user: WebUser, session: SessionDep
) -> Response:
    try:
        reminder = get_scoped(session, Reminder, reminder_id, user.workspace_id)
        cancel_reminder(session, reminder=reminder, actor=user)
    except TandemError as exc:
        error = refused(session, exc)
        return conversation_page(
            request, session, user, id, error=error, status_code=exc.status_code
        )
    return RedirectResponse(f"/c/{id}#reminders", status_code=status.HTTP_303_SEE_OTHER)
