"""Reminders from the conversation page: "remind me (or a teammate) about this", optionally
only if the client has not written by then, and cancelling a pending one.

Both forms call the REST API's own handlers (`add_reminder`, `cancel`), so the page and the API
accept, refuse and permit the same things.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.api.reminders import ReminderIn, add_reminder, cancel
from app.core.db import get_scoped
from app.core.errors import TandemError
from app.core.models import Conversation, utcnow
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.web.conversation import conversation_page, workspace_zone
from app.web.when import picked_time

router = APIRouter()


@router.post("/c/{id}/reminders")
def remind(
    id: int,
    request: Request,
    user: WebUser,
    session: SessionDep,
    when: Annotated[str, Form()] = "",
    custom: Annotated[str, Form()] = "",
    whom: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    unless_answered: Annotated[bool, Form()] = False,
) -> Response:
    get_scoped(session, Conversation, id, user.workspace_id)
    try:
        due = picked_time(when, custom, zone_name=workspace_zone(session, user), now=utcnow())
        body = ReminderIn(
            due_at=due,
            text=text,
            user_id=int(whom) if whom.isdigit() else None,
            kind="followup" if unless_answered else "custom",
        )
        add_reminder(id, body, user, session)
    except (ValueError, ValidationError, TandemError) as exc:
        session.rollback()
        message = _message(exc)
        code = exc.status_code if isinstance(exc, TandemError) else 422
        return conversation_page(request, session, user, id, error=message, status_code=code)
    return RedirectResponse(f"/c/{id}#reminders", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/c/{id}/reminders/{reminder_id}/cancel")
def cancel_one(
    id: int, reminder_id: int, request: Request, user: WebUser, session: SessionDep
) -> Response:
    try:
        cancel(reminder_id, user, session)
    except TandemError as exc:
        session.rollback()
        return conversation_page(
            request, session, user, id, error=str(exc), status_code=exc.status_code
        )
    return RedirectResponse(f"/c/{id}#reminders", status_code=status.HTTP_303_SEE_OTHER)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(error["msg"]) for error in exc.errors())
    return str(exc)
