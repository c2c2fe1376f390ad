"""A conversation's activity: its audit trail as people read it, who did what and when (in the
reader's time zone: their own, else the team's), oldest first, from the rows
`GET /api/v1/conversations/{id}/events` lists. The sentences are the template's
(`activity.html`); this module only hands it the entries, the names of the people they mention
and their times as times."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from app.core.accounts import team_of, workspace_of
from app.core.db import get_scoped
from app.core.models import AuditEvent, Conversation
from app.http.auth import WebUser
from app.http.dependencies import SessionDep
from app.http.reader import reader_zone
from app.web.pages import render
from inbox.changes import CHANGEABLE

router = APIRouter()

#: Values of an entry that are times, stored as ISO text.
_TIMES = ("snoozed_until", "promised_at")


def _entry(event: AuditEvent) -> dict[str, Any]:
    def timed(values: dict[str, Any]) -> dict[str, Any]:
        return {
            name: datetime.fromisoformat(value)
            if name in _TIMES and isinstance(value, str)
            else value
            for name, value in values.items()
        }

    return {
        "at": event.created_at,
        "actor_id": event.actor_id,
        "action": event.action,
        "before": timed(event.before),
        "after": timed(event.after),
        "changed": sorted(event.after, key=_reading_order),
        "details": event.details,
    }


def _reading_order(field: str) -> tuple[int, str]:
    """Who has it, what state, then the rest: the order a change is told in, whatever order
    the database keeps a JSON object's keys in."""
    return (CHANGEABLE.index(field) if field in CHANGEABLE else len(CHANGEABLE), field)


def activity_of(session: Session, conversation: Conversation) -> list[dict[str, Any]]:
    events = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.conversation_id == conversation.id,
            AuditEvent.workspace_id == conversation.workspace_id,
        )
        .order_by(col(AuditEvent.created_at), col(AuditEvent.id))
    )
    return [_entry(event) for event in events]


@router.get("/c/{id}/activity")
def activity(id: int, request: Request, user: WebUser, session: SessionDep) -> HTMLResponse:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    context = {
        "c": conversation,
        "entries": activity_of(session, conversation),
        "names": {
            member.id: member.name or member.email for member in team_of(session, user.workspace_id)
        },
        "zone": reader_zone(user, workspace_of(session, user.workspace_id)).key,
    }
    return render(request, session, user, "activity.html", context)
