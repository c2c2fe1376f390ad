"""Which conversations a report covers, and the SQL its parts share: times as epoch seconds,
what counts as a status change, a team reply and a client's message.

A report covers the team's work: conversations of the workspace that are not automated
(bounces, auto-replies and newsletters have their own view), narrowed to one mailbox, to the
conversations assigned to one agent, or to one tag, as the inbox filters narrow a list.
Status changes come from the audit trail (`conversation.updated` with a status,
`conversation.reopened` when the client wrote, `conversation.woken` after a snooze), never from
a conversation's mutable fields; reports read them, and each conversation's first message and
reply, through the rollup (`inbox.report_rollup`), which copies them out of the audit trail
and the messages. Reads only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Executable, Integer, cast, func, not_
from sqlmodel import Session, col, select

from app.core.models import (
    AuditEvent,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    ReportConversation,
    ReportReply,
    ReportStatusChange,
    ReportTag,
)
from app.core.models import MessageState as State
from inbox.promises import TEAM_REPLIES
from inbox.views import has_tag

Rollup = ReportConversation | ReportStatusChange | ReportReply
STATUS_ACTIONS = ("conversation.updated", "conversation.reopened", "conversation.woken")
CLOSED = ConversationStatus.CLOSED.value


@dataclass(frozen=True)
class ReportScope:
    workspace_id: int
    dialect: str
    mailbox_id: int | None = None
    assignee_id: int | None = None
    tag: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """On `Conversation`: the workspace's human conversations, narrowed by the filters."""
        found = [
            col(Conversation.workspace_id) == self.workspace_id,
            not_(col(Conversation.automated)),
        ]
        if self.mailbox_id is not None:
            found.append(col(Conversation.mailbox_id) == self.mailbox_id)
        if self.assignee_id is not None:
            found.append(col(Conversation.assignee_id) == self.assignee_id)
        if self.tag is not None:
            found.append(has_tag(self.tag, self.dialect))
        return found

    def rollup(self, table: type[Rollup]) -> list[ColumnElement[bool]]:
        """On a rollup table: the same conversations as `conditions`, by the facts each of its
        rows repeats (the assignee is the conversation's now, as its tags are)."""
        found = [
            col(table.workspace_id) == self.workspace_id,
            not_(col(table.automated)),
        ]
        if self.mailbox_id is not None:
            found.append(col(table.mailbox_id) == self.mailbox_id)
        if self.assignee_id is not None:
            found.append(col(table.assignee_id) == self.assignee_id)
        if self.tag is not None:
            tagged = select(ReportTag.conversation_id).where(
                col(ReportTag.workspace_id) == self.workspace_id, col(ReportTag.tag) == self.tag
            )
            found.append(col(table.conversation_id).in_(tagged))
        return found


def epoch_seconds(dialect: str, moment: Any) -> ColumnElement[int]:
    """A stored time as whole seconds since the epoch (UTC), the same on both databases."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", moment), Integer)
    return cast(func.floor(func.extract("epoch", moment)), BigInteger)


def seconds(at: datetime) -> int:
    """A period's bound as the rollup stores times (bounds are whole seconds)."""
    return int(at.timestamp())


def rows_of(session: Session, query: Executable) -> Sequence[tuple[Any, ...]]:
    """The driver's own tuples, for a query of plain numbers and strings (no value the
    column types convert): building result rows was most of the time of a query that returns
    a period's ninety thousand small tuples."""
    result = session.connection().execute(query)
    rows: Sequence[tuple[Any, ...]] = result.cursor.fetchall()
    result.close()
    return rows


def started() -> ColumnElement[Any]:
    """When a conversation began: its first message (its row's creation if it has none)."""
    return func.coalesce(col(Conversation.first_message_at), col(Conversation.created_at))


def status_after() -> ColumnElement[str]:
    status: ColumnElement[str] = col(AuditEvent.after)["status"].as_string()
    return status


def status_before() -> ColumnElement[str]:
    status: ColumnElement[str] = col(AuditEvent.before)["status"].as_string()
    return status


def status_changes() -> list[ColumnElement[bool]]:
    """Audit events that set a conversation's status."""
    return [col(AuditEvent.action).in_(STATUS_ACTIONS), status_after().is_not(None)]


def closes() -> list[ColumnElement[bool]]:
    """On `ReportStatusChange`: the team closing a conversation."""
    return [
        col(ReportStatusChange.action) == "conversation.updated",
        col(ReportStatusChange.status_after) == CLOSED,
    ]


def team_replies() -> list[ColumnElement[bool]]:
    """On `Message`: the team's answers to the client (Tandem's replies and mail written in
    Gmail; not acknowledgements or resolution notices), as they went out."""
    kinds = [kind for kind in TEAM_REPLIES if kind is not None]
    return [
        col(Message.direction) == Direction.OUTBOUND,
        col(Message.kind).in_(kinds) | col(Message.kind).is_(None),
        col(Message.state).in_([State.SENT, State.RECEIVED]),
        col(Message.duplicate_of_id).is_(None),
        col(Message.automated).is_(None),
    ]


def client_messages() -> list[ColumnElement[bool]]:
    """On `Message`: what a person wrote in (not automated mail, not a second mailbox's copy)."""
    return [
        col(Message.direction) == Direction.INBOUND,
        col(Message.duplicate_of_id).is_(None),
        col(Message.automated).is_(None),
    ]
