"""The reports' rollup: each conversation's report facts, its status changes, its team
replies and its tags, copied out of the conversation, its messages and its audit trail into
narrow rows of whole epoch seconds, so a report over a period reads indexes instead of message
and audit rows (JSON, bodies) and converts no time.

Nothing here is a counter the product keeps: every row is recomputed, whole, from the
conversation's messages and audit trail (`inbox.report_rollup`). Database triggers (migration
0022) mark a conversation in `report_stale` whenever a row a report reads changes, whoever
writes it, and a report first recomputes the marked ones. Times are instants; the durations
beside them (a first response's wait, the time open up to a status change, the SLA's due time)
are measured on the workspace's SLA calendar as `ReportCalendar` records it, and measured again,
whole, when that calendar changes (`inbox.report_measures`).
"""

from sqlalchemy import BigInteger, Index, String
from sqlmodel import Field, SQLModel

from app.core.models.columns import foreign_key


class ReportConversation(SQLModel, table=True):
    """A conversation as reports count it: when it began, its first client message and the
    team's first reply after it."""

    __tablename__ = "report_conversation"
    __table_args__ = (
        # A period's conversations, with what the summary reads of them, inside the index.
        Index(
            "ix_report_conversation_period",
            "workspace_id",
            "started",
            "automated",
            "conversation_id",
            "mailbox_id",
            "assignee_id",
            "contact_id",
            "first_in",
            "first_reply",
            "first_reply_by",
            "first_wait",
            "first_due",
        ),
    )

    conversation_id: int = Field(
        primary_key=True, foreign_key="conversation.id", ondelete="CASCADE"
    )
    workspace_id: int = foreign_key("workspace.id", index=False)
    mailbox_id: int = Field(nullable=False)
    assignee_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    automated: bool = Field(nullable=False)
    contact_id: int | None = foreign_key(
        "contact.id", nullable=True, ondelete="SET NULL", index=False
    )
    started: int = Field(sa_type=BigInteger, nullable=False)
    first_in: int | None = Field(default=None, sa_type=BigInteger)
    first_reply: int | None = Field(default=None, sa_type=BigInteger)
    first_reply_by: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    #: Seconds from `first_in` to `first_reply` in business time (calendar time when the
    #: calendar is never open); empty while unanswered.
    first_wait: int | None = Field(default=None, sa_type=BigInteger)
    #: When the SLA wanted the first reply (empty with no client message, or past the
    #: calendar the measuring walked).
    first_due: int | None = Field(default=None, sa_type=BigInteger)


class ReportStatusChange(SQLModel, table=True):
    """One audited status change (`conversation.updated` with a status, `conversation.reopened`,
    `conversation.woken`), with the team's replies sent by then, and its conversation's facts
    a period's query narrows by (recomputed with the conversation, so they never disagree)."""

    __tablename__ = "report_status_change"
    __table_args__ = (
        # A period's closes and reopenings, with what the summary reads of them.
        Index(
            "ix_report_status_change_period",
            "workspace_id",
            "at",
            "automated",
            "mailbox_id",
            "assignee_id",
            "conversation_id",
            "action",
            "status_before",
            "status_after",
            "actor_id",
            "replies",
            "contact_id",
            "started",
            "open_business",
            "open_calendar",
        ),
        # A conversation's stretches open, up to a close.
        Index("ix_report_status_change_history", "conversation_id", "at", "open_since"),
        # A period's closes (a third of the changes), with all a report reads of them.
        Index(
            "ix_report_status_change_closes",
            "workspace_id",
            "status_after",
            "action",
            "at",
            "automated",
            "mailbox_id",
            "assignee_id",
            "conversation_id",
            "audit_event_id",
            "actor_id",
            "replies",
            "open_business",
            "open_calendar",
        ),
        # A period's reopenings (a tenth of them), for the reopened and the repeat requests.
        Index(
            "ix_report_status_change_reopenings",
            "workspace_id",
            "status_before",
            "at",
            "automated",
            "mailbox_id",
            "assignee_id",
            "conversation_id",
            "action",
            "status_after",
        ),
    )

    audit_event_id: int = Field(primary_key=True, foreign_key="audit_event.id", ondelete="CASCADE")
    conversation_id: int = foreign_key("conversation.id", index=False)
    workspace_id: int = foreign_key("workspace.id", index=False)
    mailbox_id: int = Field(nullable=False)
    assignee_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    automated: bool = Field(nullable=False)
    contact_id: int | None = foreign_key(
        "contact.id", nullable=True, ondelete="SET NULL", index=False
    )
    started: int = Field(sa_type=BigInteger, nullable=False)
    at: int = Field(sa_type=BigInteger, nullable=False)
    action: str = Field(sa_type=String(64), nullable=False)
    status_before: str | None = Field(default=None, sa_type=String(16))
    status_after: str = Field(sa_type=String(16), nullable=False)
    actor_id: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL", index=False)
    replies: int = Field(nullable=False)
    # When the stretch open that this change ends began (the conversation's start, or the
    # change before it); empty when the conversation was not open.
    open_since: int | None = Field(default=None, sa_type=BigInteger)
    #: The conversation's time open from its start up to this change, in business and in
    #: calendar seconds: at a close, its resolution time.
    open_business: int | None = Field(default=None, sa_type=BigInteger)
    open_calendar: int | None = Field(default=None, sa_type=BigInteger)


class ReportReply(SQLModel, table=True):
    """One team reply to the client as it went out (`inbox.report_scope.team_replies`): who
    sent it and when, with its conversation's facts a period's query narrows by."""

    __tablename__ = "report_reply"
    __table_args__ = (
        Index(
            "ix_report_reply_period",
            "workspace_id",
            "at",
            "automated",
            "mailbox_id",
            "assignee_id",
            "conversation_id",
            "sent_by",
        ),
    )

    message_id: int = Field(primary_key=True, foreign_key="message.id", ondelete="CASCADE")
    conversation_id: int = foreign_key("conversation.id")
    workspace_id: int = foreign_key("workspace.id", index=False)
    mailbox_id: int = Field(nullable=False)
    assignee_id: int | None = foreign_key(
        "user.id", nullable=True, ondelete="SET NULL", index=False
    )
    automated: bool = Field(nullable=False)
    at: int = Field(sa_type=BigInteger, nullable=False)
    sent_by: int | None = foreign_key("user.id", nullable=True, ondelete="SET NULL", index=False)


class ReportTag(SQLModel, table=True):
    """A conversation's tag, one row each: what a report narrowed to a tag looks up."""

    __tablename__ = "report_tag"
    __table_args__ = (Index("ix_report_tag_lookup", "workspace_id", "tag", "conversation_id"),)

    conversation_id: int = Field(
        primary_key=True, foreign_key="conversation.id", ondelete="CASCADE"
    )
    tag: str = Field(primary_key=True, sa_type=String(100))
    workspace_id: int = foreign_key("workspace.id", index=False)


class ReportCalendar(SQLModel, table=True):
    """The SLA calendar the workspace's rollup durations were measured on, as a fingerprint:
    a report that finds another calendar in force measures them all again first."""

    __tablename__ = "report_calendar"

    workspace_id: int = Field(primary_key=True, foreign_key="workspace.id", ondelete="CASCADE")
    fingerprint: str = Field(sa_type=String(64), nullable=False)


class ReportStale(SQLModel, table=True):
    """A conversation whose rollup rows no longer match its messages or audit trail; written by
    the triggers, cleared by the recomputation."""

    __tablename__ = "report_stale"

    conversation_id: int = Field(
        primary_key=True, foreign_key="conversation.id", ondelete="CASCADE"
    )
    workspace_id: int = foreign_key("workspace.id", index=True)
    marks: int = Field(default=1, nullable=False)
