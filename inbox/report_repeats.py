"""Repeat requests: a client who wrote again within 7 days of a closed conversation, because
the answer did not settle it.

Two ways count, each once per occasion in the period: the client's mail reopened the closed
conversation (`conversation.reopened` out of closed, within 7 days of its last close), or the
same client (contact) began a new conversation within 7 days after another of theirs was
closed. A reopening by the team itself is no repeat request. Reads only.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from sqlmodel import Session, col, not_, select

from app.core.models import AuditEvent, Conversation
from inbox.report_clock import Period
from inbox.report_scope import CLOSED, ReportScope, closes, rows_of, started, status_before

WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Repeats:
    reopened: int
    new_conversations: int

    @property
    def total(self) -> int:
        return self.reopened + self.new_conversations


def count_repeats(session: Session, scope: ReportScope, period: Period) -> Repeats:
    window = WINDOW.total_seconds()
    closed = rows_of(
        session,
        select(
            AuditEvent.conversation_id, Conversation.contact_id, scope.epoch(AuditEvent.created_at)
        )
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(
            col(Conversation.workspace_id) == scope.workspace_id,
            not_(col(Conversation.automated)),
            *closes(),
            col(AuditEvent.created_at) >= period.start - WINDOW,
            col(AuditEvent.created_at) < period.end,
        )
        .order_by(scope.epoch(AuditEvent.created_at)),
    )
    by_conversation: dict[int, list[float]] = {}
    by_contact: dict[int, list[tuple[float, int]]] = {}
    for closed_id, contact_id, closed_at in closed:
        by_conversation.setdefault(closed_id or 0, []).append(float(closed_at))
        if contact_id is not None:
            by_contact.setdefault(contact_id, []).append((float(closed_at), closed_id or 0))
    reopened = 0
    for cid, at in _client_reopenings(session, scope, period):
        times = by_conversation.get(cid, [])
        index = bisect_right(times, at) - 1
        reopened += index >= 0 and at - times[index] <= window
    new = 0
    for cid, contact, began in _new_conversations(session, scope, period):
        new += _follows_a_close(by_contact.get(contact, []), cid, began, window)
    return Repeats(reopened=reopened, new_conversations=new)


def _follows_a_close(
    closes: list[tuple[float, int]], conversation_id: int, at: float, window: float
) -> bool:
    """Whether another conversation was closed within `window` seconds before `at`."""
    for when, other in islice(closes, bisect_left(closes, (at - window, -1)), None):
        if when > at:
            return False
        if other != conversation_id:
            return True
    return False


def _client_reopenings(
    session: Session, scope: ReportScope, period: Period
) -> list[tuple[int, float]]:
    rows = session.exec(
        select(AuditEvent.conversation_id, scope.epoch(AuditEvent.created_at))
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(
            *scope.conditions(),
            col(AuditEvent.action) == "conversation.reopened",
            status_before() == CLOSED,
            col(AuditEvent.created_at) >= period.start,
            col(AuditEvent.created_at) < period.end,
        )
    ).all()
    return [(cid or 0, float(at)) for cid, at in rows]


def _new_conversations(
    session: Session, scope: ReportScope, period: Period
) -> list[tuple[int, int, float]]:
    rows = rows_of(
        session,
        select(Conversation.id, Conversation.contact_id, scope.epoch(started())).where(
            *scope.conditions(),
            col(Conversation.contact_id).is_not(None),
            started() >= period.start,
            started() < period.end,
        ),
    )
    return [(int(cid or 0), int(contact or 0), float(at)) for cid, contact, at in rows]
