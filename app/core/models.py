"""The SQLModel tables every package shares: the whole data model of DESIGN.md.

Every row belongs to exactly one workspace (`workspace_id` on every table) so that each query
can be scoped by it. Times are stored in UTC and always come back timezone-aware.
Enumerations are stored as short strings, so adding a value never needs a type migration.
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given: Tandem stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    id: int | None


def id_of(row: _Row) -> int:
    """The primary key of a row that has been flushed or loaded (which always has one)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def _time(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


def _json(default: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """A JSON column; its default comes from a plain function because pydantic inspects the
    factory's signature on every construction, which costs ~150 us for a builtin like `list`."""
    factory = _empty_list if default is list else _empty_dict
    return Field(default_factory=factory, sa_type=JSONType, nullable=False)


def _enum(default: str, length: int = 16) -> Any:
    return Field(default=default, sa_type=String(length), nullable=False)


OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]


def _fk(
    target: str, *, nullable: bool = False, ondelete: OnDelete = "CASCADE", index: bool = True
) -> Any:
    return Field(
        default=None, foreign_key=target, nullable=nullable, ondelete=ondelete, index=index
    )


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


class MailboxStatus(StrEnum):
    CONNECTED = "connected"
    SYNCING = "syncing"
    NEEDS_REAUTH = "needs_reauth"
    ERROR = "error"


class SyncState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    ERROR = "error"


class ConversationStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageState(StrEnum):
    """Inbound mail is `received`; a reply moves queued -> sending -> sent (or failed), or is
    cancelled while queued."""

    RECEIVED = "received"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MessageKind(StrEnum):
    """Why Tandem wrote an outbound message; synced mail has no kind."""

    REPLY = "reply"
    AUTO_ACK = "auto_ack"
    RESOLUTION = "resolution"


class NoteKind(StrEnum):
    NOTE = "note"
    HANDOFF = "handoff"


class ReminderKind(StrEnum):
    PROMISE = "promise"
    SLA = "sla"
    FOLLOWUP = "followup"
    CUSTOM = "custom"


class PromiseState(StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"


class FollowupAction(StrEnum):
    """What a follow-up does when the client has not written by its time."""

    REMIND = "remind"
    CLOSE = "close"


class ReminderState(StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"
    DONE = "done"


class Workspace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200), nullable=False)
    timezone: str = Field(default="UTC", sa_type=String(64), nullable=False)
    auto_assign: bool = Field(default=False, nullable=False)
    created_at: datetime = _created()


class User(SQLModel, table=True):
    """An agent or admin; email is unique across the installation because it is the login."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    email: str = Field(sa_type=String(320), nullable=False, unique=True)
    name: str = Field(default="", sa_type=String(200), nullable=False)
    role: str = _enum(Role.AGENT)
    password_hash: str | None = Field(default=None, sa_type=String(255))
    google_sub: str | None = Field(default=None, sa_type=String(255), unique=True)
    is_active: bool = Field(default=True, nullable=False)
    is_available: bool = Field(default=True, nullable=False)
    signature: str = Field(default="", sa_type=Text, nullable=False)
    created_at: datetime = _created()
    last_login_at: datetime | None = _time()


class ApiToken(SQLModel, table=True):
    """Only the SHA-256 of a token is stored; the token itself is shown once, at creation."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    user_id: int = _fk("user.id")
    name: str = Field(default="", sa_type=String(200), nullable=False)
    token_hash: str = Field(sa_type=String(64), nullable=False, unique=True)
    prefix: str = Field(sa_type=String(16), nullable=False)
    created_at: datetime = _created()
    last_used_at: datetime | None = _time()
    revoked_at: datetime | None = _time()


class Mailbox(SQLModel, table=True):
    """A connected Gmail mailbox, its encrypted credentials and its sync and watch state."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    email: str = Field(sa_type=String(320), nullable=False, unique=True)
    display_name: str = Field(default="", sa_type=String(200), nullable=False)
    aliases: list[str] = _json(list)
    credentials_encrypted: str | None = Field(default=None, sa_type=Text)
    status: str = _enum(MailboxStatus.SYNCING)
    history_id: int | None = Field(default=None, sa_type=BigInteger)
    sync_state: str = _enum(SyncState.IDLE)
    sync_cursor: dict[str, Any] = _json(dict)
    messages_synced: int = Field(default=0, nullable=False)
    messages_total: int = Field(default=0, nullable=False)
    last_synced_at: datetime | None = _time()
    last_error: str | None = Field(default=None, sa_type=Text)
    sync_lease_owner: str | None = Field(default=None, sa_type=String(64))
    sync_lease_expires_at: datetime | None = _time()
    watch_expires_at: datetime | None = _time()
    connected_at: datetime | None = _time()
    next_sync_at: datetime | None = _time(index=True)
    sync_requested_at: datetime | None = _time()
    full_sync_requested: bool = Field(default=False, nullable=False)
    quota_day: str | None = Field(default=None, sa_type=String(10))
    quota_units_today: int = Field(default=0, nullable=False)
    auto_ack_enabled: bool = Field(default=True, nullable=False)
    auto_ack_text: str | None = Field(default=None, sa_type=Text)
    auto_ack_window_minutes: int = Field(default=1440, nullable=False)
    use_agent_name: bool = Field(default=False, nullable=False)
    created_at: datetime = _created()


class OAuthState(SQLModel, table=True):
    """A pending mailbox connection: the callback finds it by `state`, not by a cookie."""

    __tablename__ = "oauth_state"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    mailbox_id: int = _fk("mailbox.id")
    user_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL")
    state: str = Field(sa_type=String(128), nullable=False, unique=True)
    code_verifier: str = Field(sa_type=String(128), nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = _time()
    created_at: datetime = _created()


class Contact(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    email: str = Field(sa_type=String(320), nullable=False)
    name: str = Field(default="", sa_type=String(200), nullable=False)
    created_at: datetime = _created()


class Conversation(SQLModel, table=True):
    """One Gmail thread of one mailbox, with the team's workflow state around it."""

    __table_args__ = (
        UniqueConstraint("mailbox_id", "gmail_thread_id"),
        Index("ix_conversation_inbox", "workspace_id", "status", "last_message_at", "id"),
        Index("ix_conversation_activity", "workspace_id", "last_message_at", "id"),
        Index(
            "ix_conversation_mine", "workspace_id", "assignee_id", "last_message_at", "id", "status"
        ),
        Index("ix_conversation_contact", "contact_id", "last_message_at", "id"),
        Index("ix_conversation_snoozed", "status", "snoozed_until"),
        Index("ix_conversation_promise", "promise_state", "promised_at"),
        Index("ix_conversation_overdue", "workspace_id", "status", "sla_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    mailbox_id: int = _fk("mailbox.id", index=False)
    gmail_thread_id: str = Field(sa_type=String(64), nullable=False)
    subject: str = Field(default="", sa_type=Text, nullable=False)
    status: str = _enum(ConversationStatus.OPEN)
    priority: str = _enum(Priority.NORMAL)
    tags: list[str] = _json(list)
    assignee_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    contact_id: int | None = _fk("contact.id", nullable=True, ondelete="SET NULL", index=False)
    message_count: int = Field(default=0, nullable=False)
    is_unread: bool = Field(default=True, nullable=False)
    first_message_at: datetime | None = _time()
    last_message_at: datetime | None = _time()
    last_inbound_at: datetime | None = _time()
    first_response_at: datetime | None = _time()
    first_response_seconds: int | None = Field(default=None)
    promised_at: datetime | None = _time()
    promise_state: str | None = Field(default=None, sa_type=String(16))
    promise_made_at: datetime | None = _time()
    sla_due_at: datetime | None = _time(index=True)
    snoozed_until: datetime | None = _time()
    closed_at: datetime | None = _time()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ConversationThread(SQLModel, table=True):
    """A Gmail thread of one mailbox that belongs to a conversation.

    Mail sent to two connected mailboxes at once is one conversation with a thread in each;
    `history_id` is the thread's Gmail historyId when it was last synced, so an unchanged
    thread is never fetched twice.
    """

    __tablename__ = "conversation_thread"
    __table_args__ = (UniqueConstraint("mailbox_id", "gmail_thread_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    conversation_id: int = _fk("conversation.id")
    mailbox_id: int = _fk("mailbox.id", index=False)
    gmail_thread_id: str = Field(sa_type=String(64), nullable=False)
    history_id: int | None = Field(default=None, sa_type=BigInteger)


class Message(SQLModel, table=True):
    """An email of a conversation; a reply exists here from the moment it is queued.

    The copy of one email in a second connected mailbox is a row of its own (so each mailbox
    syncs idempotently by Gmail id) that points at the first with `duplicate_of_id` and is
    left out of the timeline.
    """

    __table_args__ = (
        UniqueConstraint("mailbox_id", "gmail_id"),
        Index("ix_message_timeline", "conversation_id", "date"),
        Index("ix_message_outbox", "state", "send_after"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    conversation_id: int = _fk("conversation.id", index=False)
    mailbox_id: int = _fk("mailbox.id", index=False)
    gmail_id: str | None = Field(default=None, sa_type=String(64))
    gmail_thread_id: str | None = Field(default=None, sa_type=String(64))
    rfc_message_id: str | None = Field(default=None, sa_type=String(998), index=True)
    duplicate_of_id: int | None = _fk("message.id", nullable=True, ondelete="SET NULL", index=False)
    in_reply_to: str | None = Field(default=None, sa_type=Text)
    references: str | None = Field(default=None, sa_type=Text)
    from_address: str = Field(default="", sa_type=String(320), nullable=False)
    from_name: str = Field(default="", sa_type=String(320), nullable=False)
    reply_to: list[str] = _json(list)
    to: list[str] = _json(list)
    cc: list[str] = _json(list)
    bcc: list[str] = _json(list)
    mail_followup_to: list[str] = _json(list)
    automated: str | None = Field(default=None, sa_type=String(64))
    subject: str = Field(default="", sa_type=Text, nullable=False)
    date: datetime | None = _time()
    text_body: str = Field(default="", sa_type=Text, nullable=False)
    html_body: str | None = Field(default=None, sa_type=Text)
    visible_text: str = Field(default="", sa_type=Text, nullable=False)
    quoted_text: str = Field(default="", sa_type=Text, nullable=False)
    snippet: str = Field(default="", sa_type=Text, nullable=False)
    direction: str = _enum(Direction.INBOUND)
    state: str = _enum(MessageState.RECEIVED)
    sent_by_user_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str | None = Field(default=None, sa_type=String(16))
    reply_mode: str | None = Field(default=None, sa_type=String(16))
    send_after: datetime | None = _time()
    send_error: str | None = Field(default=None, sa_type=Text)
    label_ids: list[str] = _json(list)
    is_unread: bool = Field(default=False, nullable=False)
    new_participant: bool = Field(default=False, nullable=False)
    parse_error: str | None = Field(default=None, sa_type=Text)
    size_estimate: int = Field(default=0, nullable=False)
    created_at: datetime = _created()


class Attachment(SQLModel, table=True):
    """Attachment metadata; the bytes stay in Gmail and are fetched on download."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    message_id: int = _fk("message.id")
    filename: str = Field(default="", sa_type=Text, nullable=False)
    content_type: str = Field(default="application/octet-stream", sa_type=String(255))
    size: int = Field(default=0, nullable=False)
    gmail_attachment_id: str | None = Field(default=None, sa_type=Text)
    content_id: str | None = Field(default=None, sa_type=String(998))
    is_inline: bool = Field(default=False, nullable=False)
    data: bytes | None = Field(default=None, sa_type=LargeBinary)


class Note(SQLModel, table=True):
    """Internal team context on a conversation; no code path that sends mail can read it."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    conversation_id: int = _fk("conversation.id")
    author_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str = _enum(NoteKind.NOTE)
    body: str = Field(sa_type=Text, nullable=False)
    mentions: list[int] = _json(list)
    is_pinned: bool = Field(default=False, nullable=False)
    created_at: datetime = _created()
    edited_at: datetime | None = _time()
    deleted_at: datetime | None = _time()
    deleted_by_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)


class NoteRevision(SQLModel, table=True):
    """A note's body before an edit, so edits keep their history."""

    __tablename__ = "note_revision"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    note_id: int = _fk("note.id")
    body: str = Field(sa_type=Text, nullable=False)
    edited_by_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _created()


class Reminder(SQLModel, table=True):
    """A timer as data: jobs claim due pending rows with a conditional UPDATE."""

    __table_args__ = (
        Index("ix_reminder_due", "state", "due_at"),
        Index("ix_reminder_conversation", "conversation_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    conversation_id: int | None = _fk("conversation.id", nullable=True)
    user_id: int | None = _fk("user.id", nullable=True, index=False)
    created_by_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str = _enum(ReminderKind.CUSTOM)
    state: str = _enum(ReminderState.PENDING)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    text: str = Field(default="", sa_type=Text, nullable=False)
    action: str | None = Field(default=None, sa_type=String(16))
    template_id: int | None = _fk("template.id", nullable=True, ondelete="SET NULL", index=False)
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    fired_at: datetime | None = _time()
    created_at: datetime = _created()


class Template(SQLModel, table=True):
    """A canned reply whose body may use variables such as {{contact.name}}."""

    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    name: str = Field(sa_type=String(200), nullable=False)
    body_text: str = Field(sa_type=Text, nullable=False)
    body_html: str | None = Field(default=None, sa_type=Text)
    created_by_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class AutoReplyLog(SQLModel, table=True):
    """Each automatic reply sent to an address, so a sender gets at most one per window
    (RFC 3834: no mail loops with other robots)."""

    __tablename__ = "auto_reply_log"
    __table_args__ = (Index("ix_auto_reply_log_recent", "mailbox_id", "email", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    mailbox_id: int = _fk("mailbox.id", index=False)
    conversation_id: int | None = _fk("conversation.id", nullable=True, index=False)
    email: str = Field(sa_type=String(320), nullable=False)
    created_at: datetime = _created()


def _default_business_hours() -> dict[str, list[list[str]]]:
    weekday = [["09:00", "17:00"]]
    return {day: weekday for day in ("mon", "tue", "wed", "thu", "fri")}


class SlaPolicy(SQLModel, table=True):
    """A workspace's response-time targets, counted in its business hours.

    `business_hours` maps mon..sun to [start, end] "HH:MM" intervals in `timezone`; a day
    without intervals is closed; `holidays` are ISO dates.
    """

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    timezone: str = Field(default="UTC", sa_type=String(64), nullable=False)
    business_hours: dict[str, list[list[str]]] = Field(
        default_factory=_default_business_hours, sa_type=JSONType, nullable=False
    )
    holidays: list[str] = _json(list)
    first_response_minutes: int = Field(default=120, nullable=False)
    next_response_minutes: int = Field(default=120, nullable=False)
    max_response_minutes: int = Field(default=1440, nullable=False)
    updated_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Who did what and when; `actor_id` is empty for the system (sync, jobs)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_timeline", "workspace_id", "conversation_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    conversation_id: int | None = _fk("conversation.id", nullable=True, index=False)
    actor_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    action: str = Field(sa_type=String(64), nullable=False)
    before: dict[str, Any] = _json(dict)
    after: dict[str, Any] = _json(dict)
    details: dict[str, Any] = _json(dict)
    created_at: datetime = _created()


class WebhookSubscription(SQLModel, table=True):
    """An integration's URL; `internal` ones may receive note events, client-facing ones never."""

    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    url: str = Field(sa_type=Text, nullable=False)
    secret: str = Field(sa_type=String(128), nullable=False)
    events: list[str] = _json(list)
    is_internal: bool = Field(default=True, nullable=False)
    is_active: bool = Field(default=True, nullable=False)
    created_at: datetime = _created()


class WebhookDeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: an outbox row the delivery job claims, sends and retries.

    `attempt_log` keeps every attempt (time, status, error, duration); `claimed_by` and
    `claimed_until` are the lease a sender takes with a conditional UPDATE before posting.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
        Index("ix_webhook_delivery_log", "subscription_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    subscription_id: int = _fk("webhook_subscription.id", index=False)
    event: str = Field(sa_type=String(64), nullable=False)
    payload: dict[str, Any] = _json(dict)
    state: str = _enum(WebhookDeliveryState.PENDING)
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime | None = _time()
    last_status: int | None = Field(default=None)
    last_error: str | None = Field(default=None, sa_type=Text)
    attempt_log: list[dict[str, Any]] = _json(list)
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    claimed_until: datetime | None = _time()
    delivered_at: datetime | None = _time()
    created_at: datetime = _created()


class Notification(SQLModel, table=True):
    """An in-app notice for one user: a mention, an assignment, a fired reminder.

    A fired reminder's notices name it, and (reminder, user) is unique: the database itself
    refuses to tell anyone of one reminder twice.
    """

    __table_args__ = (
        Index("ix_notification_inbox", "user_id", "read_at", "created_at"),
        UniqueConstraint("reminder_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    user_id: int = _fk("user.id", index=False)
    conversation_id: int | None = _fk("conversation.id", nullable=True, index=False)
    reminder_id: int | None = _fk("reminder.id", nullable=True, ondelete="SET NULL", index=False)
    kind: str = Field(sa_type=String(32), nullable=False)
    text: str = Field(default="", sa_type=Text, nullable=False)
    created_at: datetime = _created()
    read_at: datetime | None = _time()


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class SmtpServer(SQLModel, table=True):
    """The SMTP server a workspace sends agent email through (reminders); never the client's
    Gmail thread. The password is encrypted like OAuth tokens."""

    __tablename__ = "smtp_server"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id", index=False)
    host: str = Field(sa_type=String(255), nullable=False)
    port: int = Field(default=587, nullable=False)
    security: str = _enum(SmtpSecurity.STARTTLS)
    username: str = Field(default="", sa_type=String(320), nullable=False)
    password_encrypted: str | None = Field(default=None, sa_type=Text)
    sender: str = Field(sa_type=String(320), nullable=False)
    updated_at: datetime = _created()


class AgentEmailState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class AgentEmail(SQLModel, table=True):
    """An email to a team member (a fired reminder), written in the transaction that decided
    to send it and sent after commit by a job that claims it with a lease and retries."""

    __tablename__ = "agent_email"
    __table_args__ = (Index("ix_agent_email_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _fk("workspace.id")
    user_id: int | None = _fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    reminder_id: int | None = _fk("reminder.id", nullable=True, ondelete="SET NULL", index=False)
    to_address: str = Field(sa_type=String(320), nullable=False)
    subject: str = Field(sa_type=Text, nullable=False)
    body: str = Field(sa_type=Text, nullable=False)
    state: str = _enum(AgentEmailState.PENDING)
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime | None = _time()
    last_error: str | None = Field(default=None, sa_type=Text)
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    claimed_until: datetime | None = _time()
    sent_at: datetime | None = _time()
    created_at: datetime = _created()
