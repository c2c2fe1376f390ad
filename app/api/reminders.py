"""Reminders: `POST /conversations/{id}/reminders` (custom reminders and follow-ups),
`GET /reminders` and `DELETE /reminders/{id}` (cancel while pending).

The rules live in `inbox.reminders`; the scheduler fires them. Every query is scoped to the
caller's workspace.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import col, select

from app.core.db import get_scoped
from app.core.errors import Forbidden
from app.core.models import (
    Conversation,
    FollowupAction,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    User,
    utcnow,
)
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.reminders import ReminderRequest, cancel_reminder, schedule_reminder

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
    "created_at": "2026-11-24T09:00:00Z",
}


class ReminderIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"due_at": "2026-11-24T15:00:00+01:00", "text": "Call Anna about the refund"},
                {"due_at": "2026-11-27T09:00:00Z", "kind": "followup", "action": "remind"},
                {
                    "due_at": "2026-11-27T09:00:00Z",
                    "kind": "followup",
                    "action": "close",
                    "template_id": 3,
                },
            ]
        },
    )

    due_at: AwareDatetime = Field(description="When, in the future, with a time zone.")
    kind: Literal["custom", "followup"] = Field(
        default="custom",
        description="`followup` acts only if the client has not written since it was set.",
    )
    text: str = Field(default="", max_length=2000)
    user_id: int | None = Field(
        default=None, description="Whom to remind, an active member; by default the caller."
    )
    action: FollowupAction | None = Field(
        default=None,
        description="Follow-ups: `remind` (default) or `close` the conversation with a message.",
    )
    template_id: int | None = Field(
        default=None, description="With action close: the canned reply sent to the client."
    )

    def request(self) -> ReminderRequest:
        return ReminderRequest(
            due_at=self.due_at,
            kind=ReminderKind(self.kind),
            text=self.text,
            user_id=self.user_id,
            action=self.action,
            template_id=self.template_id,
        )


class ReminderOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [REMINDER_EXAMPLE]})

    id: int
    conversation_id: int | None
    user_id: int | None = Field(description="Whom it reminds; null: the whole team.")
    created_by_id: int | None
    kind: str = Field(description="`custom`, `followup`, `promise` or `sla`.")
    state: str = Field(description="`pending`, `fired`, `cancelled` or `done`.")
    due_at: datetime
    text: str
    action: str | None
    template_id: int | None
    fired_at: datetime | None
    created_at: datetime


def reminder_out(reminder: Reminder) -> ReminderOut:
    return ReminderOut.model_validate(reminder, from_attributes=True)


@router.post("/conversations/{id}/reminders", status_code=status.HTTP_201_CREATED)
def add_reminder(id: int, body: ReminderIn, user: CurrentUser, session: SessionDep) -> ReminderOut:
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    reminder = schedule_reminder(
        session, conversation=conversation, asker=user, request=body.request(), now=utcnow()
    )
    session.commit()
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
    query = select(Reminder).where(Reminder.workspace_id == user.workspace_id)
    if state is not None:
        query = query.where(Reminder.state == state)
    if user_id is not None:
        query = query.where(Reminder.user_id == user_id)
    if conversation_id is not None:
        query = query.where(Reminder.conversation_id == conversation_id)
    rows = session.exec(query.order_by(col(Reminder.due_at), col(Reminder.id)).limit(limit))
    return [reminder_out(row) for row in rows]


@router.delete("/reminders/{id}")
def cancel(id: int, user: CurrentUser, session: SessionDep) -> ReminderOut:
    """Cancels a pending reminder (409 once it fired); its owner, its author or an admin."""
    reminder = get_scoped(session, Reminder, id, user.workspace_id)
    _check_may_cancel(user, reminder)
    cancel_reminder(session, reminder=reminder)
    session.commit()
    return reminder_out(reminder)


def _check_may_cancel(user: User, reminder: Reminder) -> None:
    if user.role != Role.ADMIN and user.id not in (reminder.user_id, reminder.created_by_id):
        raise Forbidden("only its owner, its author or an admin may cancel a reminder")
