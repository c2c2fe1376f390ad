"""Which conversations a report covers, and the SQL its parts share: times as epoch seconds,
counting by local day, and reading status changes from the audit trail.

A report covers the team's work: conversations of the workspace that are not automated
(bounces, auto-replies and newsletters have their own view), narrowed to one mailbox, to the
conversations assigned to one agent, or to one tag, as the inbox filters narrow a list.
Status changes are read from the audit trail (`conversation.updated` with a status,
`conversation.reopened` when the client wrote, `conversation.woken` after a snooze), never from
a conversation's mutable fields. Reads only.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Executable, Integer, cast, func, not_
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation, ConversationStatus, Direction, Message
from app.core.models import MessageState as State
from inbox.promises import TEAM_REPLIES
from inbox.report_clock import Period
from inbox.views import has_tag

STATUS_ACTIONS = ("conversation.updated", "conversation.reopened", "conversation.woken")
CLOSED = ConversationStatus.CLOSED.value
_EPOCH_DAY = date(1970, 1, 1)


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

    def epoch(self, moment: Any) -> ColumnElement[int]:
        """A stored time as whole seconds since the epoch (UTC), the same on both databases."""
        if self.dialect == "sqlite":
            return cast(func.strftime("%s", moment), Integer)
        return cast(func.floor(func.extract("epoch", moment)), BigInteger)


def rows_of(session: Session, query: Executable) -> Sequence[Any]:
    """Plain rows through the session's connection: the ORM's per-row work is most of the time
    of a query that returns a period's ninety thousand small tuples."""
    return session.connection().execute(query).all()


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
    return [col(AuditEvent.action) == "conversation.updated", status_after() == CLOSED]


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


def count_by_day(
    session: Session,
    scope: ReportScope,
    period: Period,
    moment: Any,
    conditions: Sequence[ColumnElement[bool]],
) -> Counter[date]:
    """How many rows fall on each local day of the period: one grouped query per stretch of
    constant UTC offset (a DST change splits the period in two)."""
    counts: Counter[date] = Counter()
    for start, end, offset in period.offset_stretches():
        day = (scope.epoch(moment) + offset) / 86400
        number = cast(day, Integer) if scope.dialect == "sqlite" else func.floor(day)
        query = (
            select(number, func.count())
            .where(*conditions, moment >= start, moment < end)
            .group_by(number)
        )
        for found, count in session.exec(query):
            counts[_EPOCH_DAY + timedelta(days=int(found))] += int(count)
    return counts
