"""Reminders as rows: whoever wants to be told something at a time writes a pending Reminder;
the scheduler's job fires the due ones. Writing and cancelling live here so that promises, SLA
timers, follow-ups and custom reminders all keep the same rules. Functions flush, never commit.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from app.core.errors import Conflict, Invalid
from app.core.models import (
    Conversation,
    FollowupAction,
    Reminder,
    ReminderKind,
    ReminderState,
    Template,
    User,
    id_of,
)


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


@dataclass(frozen=True)
class ReminderRequest:
    """What a person asks for; `user_id` None means the asker."""

    due_at: datetime
    kind: ReminderKind = ReminderKind.CUSTOM
    text: str = ""
    user_id: int | None = None
    action: FollowupAction | None = None
    template_id: int | None = None


def schedule_reminder(
    session: Session,
    *,
    conversation: Conversation,
    asker: User,
    request: ReminderRequest,
    now: datetime,
) -> Reminder:
    """A person's custom reminder or follow-up, checked before it is stored: an aware future
    time, an active member of the conversation's workspace, and an action that can run (an
    auto-close needs a template to tell the client)."""
    if request.due_at.tzinfo is None or request.due_at <= now:
        raise Invalid("due_at must be a time in the future, with a time zone")
    user_id = asker.id if request.user_id is None else request.user_id
    user = session.get(User, user_id)
    if user is None or user.workspace_id != conversation.workspace_id or not user.is_active:
        raise Invalid(f"user {user_id} is not an active member of this workspace")
    action = _checked_action(session, conversation, request)
    return create_reminder(
        session,
        conversation=conversation,
        user_id=id_of(user),
        due_at=request.due_at,
        kind=request.kind,
        text=request.text.strip(),
        created_by_id=asker.id,
        action=action,
        template_id=request.template_id if action == FollowupAction.CLOSE else None,
    )


def _checked_action(
    session: Session, conversation: Conversation, request: ReminderRequest
) -> str | None:
    if request.kind != ReminderKind.FOLLOWUP:
        if request.action is not None or request.template_id is not None:
            raise Invalid("action and template_id belong to follow-ups (kind followup)")
        return None
    action = request.action or FollowupAction.REMIND
    if action == FollowupAction.CLOSE:
        template = session.get(Template, request.template_id) if request.template_id else None
        if template is None or template.workspace_id != conversation.workspace_id:
            raise Invalid(
                "closing needs template_id, a template of this workspace, to tell the client"
            )
    elif request.template_id is not None:
        raise Invalid("template_id is for action close: a reminder sends nothing to the client")
    return str(action)


def cancel_reminder(session: Session, *, reminder: Reminder) -> Reminder:
    """Cancels a pending reminder; raises Conflict once it has fired (or was cancelled), so a
    cancel racing the firing job either wins or is told it lost."""
    cancelled = session.execute(
        update(Reminder)
        .where(col(Reminder.id) == reminder.id, col(Reminder.state) == ReminderState.PENDING)
        .values(state=ReminderState.CANCELLED)
    )
    session.refresh(reminder)
    if cancelled.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"reminder {reminder.id} is already {reminder.state}")
    return reminder
