"""Reminders as rows: whoever wants to be told something at a time writes a pending Reminder;
the scheduler's job fires the due ones. Writing and cancelling live here so that promises, SLA
timers, follow-ups and custom reminders all keep the same rules. Functions flush, never commit.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from app.models import Conversation, Reminder, ReminderKind, ReminderState


def create_reminder(
    session: Session,
    *,
    conversation: Conversation,
    user_id: int | None,
    due_at: datetime,
    kind: ReminderKind,
    text: str = "",
    created_by_id: int | None = None,
    action: str | None = None,
    template_id: int | None = None,
) -> Reminder:
    """A pending reminder for `user_id` (None: every agent of the workspace)."""
    reminder = Reminder(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        user_id=user_id,
        created_by_id=created_by_id,
        kind=kind,
        due_at=due_at,
        text=text,
        action=action,
        template_id=template_id,
    )
    session.add(reminder)
    session.flush()
    return reminder


def cancel_reminders(
    session: Session, *, conversation_id: int, kinds: Collection[ReminderKind]
) -> int:
    """Cancels the conversation's pending reminders of these kinds; returns how many."""
    cancelled = session.execute(
        update(Reminder)
        .where(
            col(Reminder.conversation_id) == conversation_id,
            col(Reminder.state) == ReminderState.PENDING,
            col(Reminder.kind).in_(list(kinds)),
        )
        .values(state=ReminderState.CANCELLED)
    )
    session.flush()
    return int(cancelled.rowcount)  # type: ignore[attr-defined]
