"""The team's work on the mail: internal notes and their revisions, reminders, templates, the
SLA policy, the audit trail, in-app notifications, the clients' ratings of resolutions and the
rules that route inbound mail."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.core.models.columns import (
    JSONType,
    UTCDateTime,
    created_field,
    enum_field,
    foreign_key,
    json_field,
    time_field,
)
from app.core.models.enums import NoteKind, ReminderKind, ReminderState


class Note(SQLModel, table=True):
    """Internal team context on a conversation; no code path that sends mail can read it."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    conversation_id: int = foreign_key("conversation.id")
    author_id: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str = enum_field(NoteKind.NOTE)
    body: str = Field(sa_type=Text, nullable=False)
    mentions: list[int] = json_field(list)
    is_pinned: bool = Field(default=False, nullable=False)
    created_at: datetime = created_field()
    edited_at: datetime | None = time_field()
    deleted_at: datetime | None = time_field()
    deleted_by_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )


class NoteRevision(SQLModel, table=True):
    """A note's body before an edit, so edits keep their history."""

    __tablename__ = "note_revision"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    note_id: int = foreign_key("note.id")
    body: str = Field(sa_type=Text, nullable=False)
    edited_by_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    created_at: datetime = created_field()


class Reminder(SQLModel, table=True):
    """A timer as data: jobs claim due pending rows with a conditional UPDATE.

    A reminder Tandem writes keeps what it says as `params` (`app.core.notice_text` writes the
    sentence when read, in the reader's language) and its English sentence in `text`; a
    person's reminder, and every row from before 0031, has only `text`.
    """

    __table_args__ = (
        Index("ix_reminder_due", "state", "due_at"),
        Index("ix_reminder_conversation", "conversation_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    conversation_id: int | None = foreign_key("conversation.id", nullable=True)
    user_id: int | None = foreign_key("user.id", nullable=True, index=False)
    created_by_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    kind: str = enum_field(ReminderKind.CUSTOM)
    state: str = enum_field(ReminderState.PENDING)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    text: str = Field(default="", sa_type=Text, nullable=False)
    params: dict[str, Any] | None = Field(default=None, sa_type=JSONType, nullable=True)
    action: str | None = Field(default=None, sa_type=String(16))
    template_id: int | None = foreign_key(
        "template.id", nullable=True, ondelete="SET NULL", index=False
    )
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    fired_at: datetime | None = time_field()
    attempts: int = Field(default=0, nullable=False)
    retry_at: datetime | None = time_field()
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_field()


class Template(SQLModel, table=True):
    """A canned reply whose body may use variables such as {{contact.name}}."""

    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    name: str = Field(sa_type=String(200), nullable=False)
    body_text: str = Field(sa_type=Text, nullable=False)
    body_html: str | None = Field(default=None, sa_type=Text)
    created_by_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


def _default_business_hours() -> dict[str, list[list[str]]]:
    weekday = [["09:00", "17:00"]]
    return {day: weekday for day in ("mon", "tue", "wed", "thu", "fri")}


class SlaPolicy(SQLModel, table=True):
    """A workspace's response-time targets, counted in its business hours.

    `business_hours` maps mon..sun to [start, end] "HH:MM" intervals in `timezone`; a day
    without intervals is closed; `holidays` are ISO dates, closed on top of `holiday_country`'s
    official days off; `working_days` are ISO dates open although normally closed. The cap
    (`max_response_minutes`) runs on working days or, with `max_response_clock` "calendar",
    in calendar time.
    """

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    timezone: str = Field(default="UTC", sa_type=String(64), nullable=False)
    business_hours: dict[str, list[list[str]]] = Field(
        default_factory=_default_business_hours, sa_type=JSONType, nullable=False
    )
    holidays: list[str] = json_field(list)
    holiday_country: str | None = Field(default=None, sa_type=String(8))
    working_days: list[str] = json_field(list)
    first_response_minutes: int = Field(default=120, nullable=False)
    next_response_minutes: int = Field(default=120, nullable=False)
    max_response_minutes: int = Field(default=1440, nullable=False)
    #: Any reply owed on an urgent conversation (`inbox.urgent_mail`), first or later.
    urgent_response_minutes: int = Field(default=60, nullable=False)
    max_response_clock: str = enum_field("working_days")
    updated_at: datetime = created_field()


class AuditEvent(SQLModel, table=True):
    """Who did what and when; `actor_id` is empty for the system (sync, jobs)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_timeline", "workspace_id", "conversation_id", "created_at"),
        # Reports: a period's closes, reopenings and promise outcomes.
        Index(
            "ix_audit_event_report",
            "workspace_id",
            "action",
            "created_at",
            "conversation_id",
            "actor_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    conversation_id: int | None = foreign_key("conversation.id", nullable=True, index=False)
    actor_id: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL", index=False)
    action: str = Field(sa_type=String(64), nullable=False)
    before: dict[str, Any] = json_field(dict)
    after: dict[str, Any] = json_field(dict)
    details: dict[str, Any] = json_field(dict)
    created_at: datetime = created_field()


class Notification(SQLModel, table=True):
    """An in-app notice for one user: a mention, an assignment, a fired reminder.

    A fired reminder's notices name it, and (reminder, user) is unique: the database itself
    refuses to tell anyone of one reminder twice. `params` are the values its kind's sentence
    names (`app.core.notice_text` writes it when read, in the reader's language); `text` is
    that sentence in English as written at the time, all that rows from before 0030 have.
    """

    __table_args__ = (
        Index("ix_notification_inbox", "user_id", "read_at", "created_at"),
        UniqueConstraint("reminder_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    user_id: int = foreign_key("user.id", index=False)
    conversation_id: int | None = foreign_key("conversation.id", nullable=True, index=False)
    reminder_id: int | None = foreign_key(
        "reminder.id", nullable=True, ondelete="SET NULL", index=False
    )
    kind: str = Field(sa_type=String(32), nullable=False)
    text: str = Field(default="", sa_type=Text, nullable=False)
    params: dict[str, Any] | None = Field(default=None, sa_type=JSONType, nullable=True)
    created_at: datetime = created_field()
    read_at: datetime | None = time_field()


class CsatRating(SQLModel, table=True):
    """A client's answer to one resolution message: a score 1-5 (solved), or "not solved"
    (`solved` false, no score), with an optional comment. One row per resolution message, so a
    second answer through the same link updates it; `agent_id` is who is credited with it (the
    assignee when the message was queued, else its sender), `updated_at` when it was last
    given."""

    __tablename__ = "csat_rating"
    __table_args__ = (
        UniqueConstraint("message_id"),
        # Reports and GET /csat: a period's ratings of a workspace.
        Index("ix_csat_rating_report", "workspace_id", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    conversation_id: int = foreign_key("conversation.id")
    message_id: int = foreign_key("message.id", index=False)
    mailbox_id: int = foreign_key("mailbox.id", index=False)
    agent_id: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL", index=False)
    score: int | None = Field(default=None)
    solved: bool = Field(nullable=False)
    comment: str = Field(default="", sa_type=Text, nullable=False)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class Rule(SQLModel, table=True):
    """A routing rule for inbound mail: when every condition holds, the actions run
    (`inbox.rules` says what each may hold; `inbox.inbound_rules` runs them). Conditions and
    actions are JSON validated on the way in, so a new kind of either needs no migration."""

    __table_args__ = (Index("ix_rule_order", "workspace_id", "position", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    name: str = Field(sa_type=String(200), nullable=False)
    enabled: bool = Field(default=True, nullable=False)
    position: int = Field(default=0, nullable=False)
    conditions: dict[str, Any] = json_field(dict)
    actions: dict[str, Any] = json_field(dict)
    stop_processing: bool = Field(default=False, nullable=False)
    #: Why the rule last failed on a mail (a deleted agent, a template that no longer renders);
    #: cleared when the rule is saved again.
    last_error: str | None = Field(default=None, sa_type=Text)
    last_error_at: datetime | None = time_field()
    created_by_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
