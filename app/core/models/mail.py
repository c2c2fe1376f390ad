"""The mail: connected mailboxes (and pending OAuth connections), contacts, conversations and
the Gmail threads they hold, messages, their attachments, and the automatic-reply log."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.core.models.columns import (
    UTCDateTime,
    created_field,
    enum_field,
    foreign_key,
    json_field,
    time_field,
)
from app.core.models.enums import (
    ConversationStatus,
    Direction,
    MailboxStatus,
    MessageState,
    Priority,
    SyncState,
)

# The rows of the urgent index, written out: a planner uses a partial index only for a query
# that states its condition as a literal (`inbox.views` does).
URGENT_ONLY = f"priority = '{Priority.URGENT.value}'"


class Mailbox(SQLModel, table=True):
    """A connected Gmail mailbox, its encrypted credentials and its sync and watch state."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    email: str = Field(sa_type=String(320), nullable=False, unique=True)
    display_name: str = Field(default="", sa_type=String(200), nullable=False)
    aliases: list[str] = json_field(list)
    credentials_encrypted: str | None = Field(default=None, sa_type=Text)
    status: str = enum_field(MailboxStatus.SYNCING)
    history_id: int | None = Field(default=None, sa_type=BigInteger)
    sync_state: str = enum_field(SyncState.IDLE)
    sync_cursor: dict[str, Any] = json_field(dict)
    messages_synced: int = Field(default=0, nullable=False)
    messages_total: int = Field(default=0, nullable=False)
    last_synced_at: datetime | None = time_field()
    last_error: str | None = Field(default=None, sa_type=Text)
    sync_lease_owner: str | None = Field(default=None, sa_type=String(64))
    sync_lease_expires_at: datetime | None = time_field()
    watch_expires_at: datetime | None = time_field()
    connected_at: datetime | None = time_field()
    next_sync_at: datetime | None = time_field(index=True)
    sync_requested_at: datetime | None = time_field()
    full_sync_requested: bool = Field(default=False, nullable=False)
    quota_day: str | None = Field(default=None, sa_type=String(10))
    quota_units_today: int = Field(default=0, nullable=False)
    auto_ack_enabled: bool = Field(default=True, nullable=False)
    auto_ack_text: str | None = Field(default=None, sa_type=Text)
    auto_ack_window_minutes: int = Field(default=1440, nullable=False)
    use_agent_name: bool = Field(default=False, nullable=False)
    #: The language its mail to clients is written in; None follows the workspace.
    language: str | None = Field(default=None, sa_type=String(8))
    created_at: datetime = created_field()


class OAuthState(SQLModel, table=True):
    """A pending mailbox connection: the callback finds it by `state`, not by a cookie."""

    __tablename__ = "oauth_state"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    mailbox_id: int = foreign_key("mailbox.id")
    user_id: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL")
    state: str = Field(sa_type=String(128), nullable=False, unique=True)
    code_verifier: str = Field(sa_type=String(128), nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = time_field()
    created_at: datetime = created_field()


class Contact(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    email: str = Field(sa_type=String(320), nullable=False)
    name: str = Field(default="", sa_type=String(200), nullable=False)
    created_at: datetime = created_field()


class Conversation(SQLModel, table=True):
    """One Gmail thread of one mailbox, with the team's workflow state around it."""

    __table_args__ = (
        UniqueConstraint("mailbox_id", "gmail_thread_id"),
        # `automated` ends the inbox indexes so the open-work views filter it, and count
        # without it, inside the index; the automated view has an index of its own. The
        # unassigned view filters `assignee_id` inside the status range too: through the
        # assignee index it read every unassigned conversation of every status, which
        # PostgreSQL priced above reading the table.
        Index(
            "ix_conversation_inbox",
            "workspace_id",
            "status",
            "last_message_at",
            "id",
            "automated",
            "assignee_id",
        ),
        Index("ix_conversation_activity", "workspace_id", "last_message_at", "id"),
        # The urgent part that every list shows first, found without walking the view
        # (`inbox.views.list_view`): partial, so it holds those few rows only, and keyed on
        # priority too, so that even without statistics SQLite prefers it to a view's index.
        Index(
            "ix_conversation_urgent",
            "workspace_id",
            "priority",
            "last_message_at",
            "id",
            sqlite_where=text(URGENT_ONLY),
            postgresql_where=text(URGENT_ONLY),
        ),
        Index(
            "ix_conversation_mine",
            "workspace_id",
            "assignee_id",
            "last_message_at",
            "id",
            "status",
            "automated",
        ),
        Index(
            "ix_conversation_automated",
            "workspace_id",
            "automated",
            "last_message_at",
            "id",
            "status",
        ),
        Index("ix_conversation_contact", "contact_id", "last_message_at", "id"),
        Index("ix_conversation_snoozed", "status", "snoozed_until"),
        Index("ix_conversation_promise", "promise_state", "promised_at"),
        Index("ix_conversation_overdue", "workspace_id", "status", "sla_due_at", "automated"),
        # Reports read every conversation of a period: covered here, never the wide rows.
        Index(
            "ix_conversation_report",
            "workspace_id",
            "automated",
            "first_message_at",
            "created_at",
            "status",
            "contact_id",
            "mailbox_id",
            "assignee_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id", index=False)
    mailbox_id: int = foreign_key("mailbox.id", index=False)
    gmail_thread_id: str = Field(sa_type=String(64), nullable=False)
    subject: str = Field(default="", sa_type=Text, nullable=False)
    status: str = enum_field(ConversationStatus.OPEN)
    priority: str = enum_field(Priority.NORMAL)
    #: The client's words that raised it to urgent (`inbox.urgent_mail`); cleared when an
    #: agent sets another priority.
    urgency_reason: str | None = Field(default=None, sa_type=String(300))
    tags: list[str] = json_field(list)
    assignee_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    contact_id: int | None = foreign_key(
        "contact.id", nullable=True, ondelete="SET NULL", index=False
    )
    #: The client's conversation closed in the week before that this one asks again about
    #: (`inbox.repeat_requests`). No foreign key: SQLite cannot add one to a table without
    #: rebuilding it (and its search triggers); a link to a deleted conversation leads nowhere.
    repeat_of_id: int | None = Field(default=None)
    message_count: int = Field(default=0, nullable=False)
    is_unread: bool = Field(default=True, nullable=False)
    # Every message a sender wrote into it was automated (bounces, auto-replies, newsletters):
    # the Automated view holds it, not the team's open work. A person writing in clears it.
    automated: bool = Field(default=False, nullable=False)
    first_message_at: datetime | None = time_field()
    last_message_at: datetime | None = time_field()
    last_inbound_at: datetime | None = time_field()
    first_response_at: datetime | None = time_field()
    first_response_seconds: int | None = Field(default=None)
    promised_at: datetime | None = time_field()
    promise_state: str | None = Field(default=None, sa_type=String(16))
    promise_made_at: datetime | None = time_field()
    sla_due_at: datetime | None = time_field(index=True)
    snoozed_until: datetime | None = time_field()
    closed_at: datetime | None = time_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class ConversationThread(SQLModel, table=True):
    """A Gmail thread of one mailbox that belongs to a conversation.

    Mail sent to two connected mailboxes at once is one conversation with a thread in each;
    `history_id` is the thread's Gmail historyId when it was last synced, so an unchanged
    thread is never fetched twice.
    """

    __tablename__ = "conversation_thread"
    __table_args__ = (UniqueConstraint("mailbox_id", "gmail_thread_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    conversation_id: int = foreign_key("conversation.id")
    mailbox_id: int = foreign_key("mailbox.id", index=False)
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
        # Sync finds copies and queued replies by Message-ID within the workspace: led by the
        # workspace, SQLite (which keeps no statistics) would read every message of it instead.
        Index("ix_message_rfc", "workspace_id", "rfc_message_id"),
        # Reports: a conversation's first client message and first team reply, and the
        # replies a period holds, found in the index without reading the messages' bodies.
        Index(
            "ix_message_report",
            "conversation_id",
            "direction",
            "date",
            "kind",
            "state",
            "automated",
            "duplicate_of_id",
            "sent_by_user_id",
        ),
        Index(
            "ix_message_sent_report",
            "workspace_id",
            "direction",
            "date",
            "sent_by_user_id",
            "kind",
            "state",
            "automated",
            "duplicate_of_id",
            "conversation_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    conversation_id: int = foreign_key("conversation.id", index=False)
    mailbox_id: int = foreign_key("mailbox.id", index=False)
    gmail_id: str | None = Field(default=None, sa_type=String(64))
    gmail_thread_id: str | None = Field(default=None, sa_type=String(64))
    rfc_message_id: str | None = Field(default=None, sa_type=String(998))
    duplicate_of_id: int | None = foreign_key(
        "message.id", nullable=True, ondelete="SET NULL", index=False
    )
    in_reply_to: str | None = Field(default=None, sa_type=Text)
    references: str | None = Field(default=None, sa_type=Text)
    from_address: str = Field(default="", sa_type=String(320), nullable=False)
    from_name: str = Field(default="", sa_type=String(320), nullable=False)
    authors: list[str] = json_field(list)
    list_post: str | None = Field(default=None, sa_type=String(320))
    reply_to: list[str] = json_field(list)
    to: list[str] = json_field(list)
    cc: list[str] = json_field(list)
    bcc: list[str] = json_field(list)
    mail_followup_to: list[str] = json_field(list)
    automated: str | None = Field(default=None, sa_type=String(64))
    no_auto_reply: str | None = Field(default=None, sa_type=String(64))
    subject: str = Field(default="", sa_type=Text, nullable=False)
    date: datetime | None = time_field()
    text_body: str = Field(default="", sa_type=Text, nullable=False)
    html_body: str | None = Field(default=None, sa_type=Text)
    visible_text: str = Field(default="", sa_type=Text, nullable=False)
    quoted_text: str = Field(default="", sa_type=Text, nullable=False)
    snippet: str = Field(default="", sa_type=Text, nullable=False)
    direction: str = enum_field(Direction.INBOUND)
    state: str = enum_field(MessageState.RECEIVED)
    sent_by_user_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    kind: str | None = Field(default=None, sa_type=String(16))
    reply_mode: str | None = Field(default=None, sa_type=String(16))
    send_after: datetime | None = time_field()
    send_error: str | None = Field(default=None, sa_type=Text)
    label_ids: list[str] = json_field(list)
    is_unread: bool = Field(default=False, nullable=False)
    new_participant: bool = Field(default=False, nullable=False)
    parse_error: str | None = Field(default=None, sa_type=Text)
    size_estimate: int = Field(default=0, nullable=False)
    created_at: datetime = created_field()


class Attachment(SQLModel, table=True):
    """Attachment metadata; the bytes stay in Gmail and are fetched on download."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    message_id: int = foreign_key("message.id")
    filename: str = Field(default="", sa_type=Text, nullable=False)
    content_type: str = Field(default="application/octet-stream", sa_type=String(255))
    size: int = Field(default=0, nullable=False)
    gmail_attachment_id: str | None = Field(default=None, sa_type=Text)
    content_id: str | None = Field(default=None, sa_type=String(998))
    is_inline: bool = Field(default=False, nullable=False)
    data: bytes | None = Field(default=None, sa_type=LargeBinary)


class AutoReplyLog(SQLModel, table=True):
    """Each automatic reply sent to an address, so a sender gets at most one per window
    (RFC 3834: no mail loops with other robots)."""

    __tablename__ = "auto_reply_log"
    __table_args__ = (Index("ix_auto_reply_log_recent", "mailbox_id", "email", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = foreign_key("workspace.id")
    mailbox_id: int = foreign_key("mailbox.id", index=False)
    conversation_id: int | None = foreign_key("conversation.id", nullable=True, index=False)
    email: str = Field(sa_type=String(320), nullable=False)
    created_at: datetime = created_field()
