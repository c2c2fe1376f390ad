"""Reminders as rows: whoever wants to be told something at a time writes a pending Reminder;
the scheduler's job fires the due ones. Writing, cancelling and listing live here so that
promises, SLA timers, follow-ups and custom reminders all keep the same rules, and the API, the
conversation page and the add-on accept, refuse and show the same reminders. Functions flush,
never commit.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.i18n import gettext as _
from app.core.labels import reminder_state_label
from app.core.models import (
    Conversation,
    FollowupAction,
    Reminder,
    ReminderKind,
    ReminderState,
    Role,
    Template,
    User,
    id_of,
)
from app.core.plain_text import ONE_LINE


def create_reminder(
    session: Session,
    *,
    conversation: Conversation,
    user_id: int | None,
    due_at: datetime,
    kind: ReminderKind,
    text: str = "",
    says: notice_text.Params | None = None,
    created_by_id: int | None = None,
    action: str | None = None,
    template_id: int | None = None,
) -> Reminder:
    """A pending reminder for `user_id` (None: every agent of the workspace), in a person's
    `text` or in Tandem's words (`says`, from `notice_text.reminder_says`)."""
    if says is not None:
        text = notice_text.english(f"{notice_text.REMINDER}{kind}", says)
    reminder = Reminder(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        user_id=user_id,
        created_by_id=created_by_id,
        kind=kind,
        due_at=due_at,
        text=text,
        params=says,
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


class ReminderIn(BaseModel):
    """A person's reminder as the API's JSON and the conversation page's form ask for it."""

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
    text: Annotated[str, Field(max_length=2000), ONE_LINE] = ""
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
        raise Invalid(_("due_at must be a time in the future, with a time zone"))
    user_id = asker.id if request.user_id is None else request.user_id
    user = session.get(User, user_id)
    if user is None or user.workspace_id != conversation.workspace_id or not user.is_active:
        raise Invalid(_("user %(id)s is not an active member of this workspace") % {"id": user_id})
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
            raise Invalid(_("action and template_id belong to follow-ups (kind followup)"))
        return None
    action = request.action or FollowupAction.REMIND
    if action == FollowupAction.CLOSE:
        template = session.get(Template, request.template_id) if request.template_id else None
        if template is None or template.workspace_id != conversation.workspace_id:
            raise Invalid(
                _("closing needs template_id, a template of this workspace, to tell the client")
            )
    elif request.template_id is not None:
        raise Invalid(_("template_id is for action close: a reminder sends nothing to the client"))
    return str(action)


def cancel_reminder(session: Session, *, reminder: Reminder, actor: User) -> Reminder:
    """Cancels a pending reminder, for its owner, its author or an admin; raises Conflict once
    it has fired (or was cancelled), so a cancel racing the firing job either wins or is told
    it lost."""
    if actor.role != Role.ADMIN and actor.id not in (reminder.user_id, reminder.created_by_id):
        raise Forbidden(_("only its owner, its author or an admin may cancel a reminder"))
    cancelled = session.execute(
        update(Reminder)
        .where(col(Reminder.id) == reminder.id, col(Reminder.state) == ReminderState.PENDING)
        .values(state=ReminderState.CANCELLED)
    )
    session.refresh(reminder)
    if cancelled.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            _("reminder %(id)s is already %(state)s")
            % {"id": reminder.id, "state": reminder_state_label(reminder.state)}
        )
    return reminder


def find_reminders(
    session: Session,
    *,
    workspace_id: int,
    state: ReminderState | None = None,
    user_id: int | None = None,
    conversation_id: int | None = None,
    limit: int = 100,
) -> list[Reminder]:
    """The workspace's reminders, soonest due first; each filter left None means "any"."""
    query = select(Reminder).where(Reminder.workspace_id == workspace_id)
    if state is not None:
        query = query.where(Reminder.state == state)
    if user_id is not None:
        query = query.where(Reminder.user_id == user_id)
    if conversation_id is not None:
        query = query.where(Reminder.conversation_id == conversation_id)
    return list(session.exec(query.order_by(col(Reminder.due_at), col(Reminder.id)).limit(limit)))


def upcoming_reminders(session: Session, *, user: User, limit: int) -> list[Reminder]:
    """What will remind `user` next: their own pending reminders and the team-wide ones."""
    return list(
        session.exec(
            select(Reminder)
            .where(
                Reminder.workspace_id == user.workspace_id,
                Reminder.state == ReminderState.PENDING,
                or_(col(Reminder.user_id) == user.id, col(Reminder.user_id).is_(None)),
            )
            .order_by(col(Reminder.due_at), col(Reminder.id))
            .limit(limit)
        )
    )
