"""Reminders: `POST /conversations/{id}/reminders` (custom reminders and follow-ups),
`GET /reminders` and `DELETE /reminders/{id}` (cancel while pending).

The rules, the request schema and the listing live in `inbox.reminders`, which the
conversation page calls too; the scheduler fires them. Every query is scoped to the caller's
workspace.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from app.core.db import get_scoped
from app.core.models import Conversation, Reminder, ReminderState, utcnow
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.reminders import ReminderIn, cancel_reminder, find_reminders, schedule_reminder

router = APIRouter(tags=["reminders"])

REMINDER_EXAMPLE: dict[str, Any] = {
    "id": 31,
    "conversation_id": 42,
    "user_id": 7,
    "created_by_id": 7,
    "kind": "followup",
    "state": "pending",
    "due_at": "2026-11-27T09:00:00Z",
    "text": "No answer about the refund? Call Anna.",
    "action": "remind",
    "template_id": None,
    "fired_at": None,
    "attempts": 0,
    "last_error": None,
    "created_at": "2026-11-24T09:00:00Z",
}


class ReminderOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [REMINDER_EXAMPLE]})

    id: int
    conversation_id: int | None
    user_id: int | None = Field(description="Whom it reminds; null: the whole team.")
    created_by_id: int | None
    kind: str = Field(description="`custom`, `followup`, `promise` or `sla`.")
    state: str = Field(description="`pending`, `fired`, `cancelled`, `done` or `failed`.")
    due_at: datetime
    text: str
    action: str | None
    template_id: int | None
    fired_at: datetime | None
    attempts: int = Field(description="Failed tries to fire it (0 when it fired at once).")
    last_error: str | None = Field(description="Why its last try failed, if one did.")
    created_at: datetime


def reminder_out(reminder: Reminder) -> ReminderOut:
    return ReminderOut.model_validate(reminder, from_attributes=True)


@router.post("/conversations/{id}/reminders", status_code=status.HTTP_201_CREATED)
def add_reminder(id: int, body: ReminderIn, user: CurrentUser, session: SessionDep) -> ReminderOut:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    reminder = schedule_reminder(
        session, conversation=conversation, asker=user, request=body.request(), now=utcnow()
    )
    return reminder_out(reminder)


@router.get("/reminders")
def list_reminders(
    user: CurrentUser,
    session: SessionDep,
    state: ReminderState | None = None,
    user_id: int | None = None,
    conversation_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReminderOut]:
    """The workspace's reminders, soonest due first."""
    rows = find_reminders(
        session,
        workspace_id=user.workspace_id,
        state=state,
        user_id=user_id,
        conversation_id=conversation_id,
        limit=limit,
    )
    return [reminder_out(row) for row in rows]


@router.delete("/reminders/{id}", operation_id="cancelReminder")
def cancel(id: int, user: CurrentUser, session: SessionDep) -> ReminderOut:
    """Cancels a pending reminder (409 once it fired); its owner, its author or an admin."""
    reminder = get_scoped(session, Reminder, id, user.workspace_id)
    return reminder_out(cancel_reminder(session, reminder=reminder, actor=user))
