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

from app.core.models import ReportStatusChange
from inbox.report_clock import Period
from inbox.report_scope import CLOSED, ReportScope, closes, rows_of, seconds
from inbox.report_times import Begun

WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Repeats:
    reopened: int
    new_conversations: int

    @property
    def total(self) -> int:
        return self.reopened + self.new_conversations


def count_repeats(session: Session, scope: ReportScope, period: Period, begun: Begun) -> Repeats:
    """`begun` are the period's conversations in the report's scope."""
    window = WINDOW.total_seconds()
    closed = rows_of(
        session,
        select(
            ReportStatusChange.conversation_id, ReportStatusChange.contact_id, ReportStatusChange.at
        )
        .where(
            col(ReportStatusChange.workspace_id) == scope.workspace_id,
            not_(col(ReportStatusChange.automated)),
            *closes(),
            col(ReportStatusChange.at) >= seconds(period.start - WINDOW),
            col(ReportStatusChange.at) < seconds(period.end),
        )
        .order_by(col(ReportStatusChange.at)),
    )
    by_conversation: dict[int, list[float]] = {}
    by_contact: dict[int, list[tuple[float, int]]] = {}
    for closed_id, contact_id, closed_at in closed:
        by_conversation.setdefault(closed_id, []).append(float(closed_at))
        if contact_id is not None:
            by_contact.setdefault(contact_id, []).append((float(closed_at), closed_id))
    reopened = 0
    for cid, at in _client_reopenings(session, scope, period):
        times = by_conversation.get(cid, [])
        index = bisect_right(times, at) - 1
        reopened += index >= 0 and at - times[index] <= window
    new = 0
    for cid, contact, began in zip(begun.ids, begun.contacts, begun.started, strict=True):
        if contact is not None and contact in by_contact:
            new += _follows_a_close(by_contact[contact], cid, began, window)
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
    rows = rows_of(
        session,
        select(ReportStatusChange.conversation_id, ReportStatusChange.at).where(
            *scope.rollup(ReportStatusChange),
            col(ReportStatusChange.action) == "conversation.reopened",
            col(ReportStatusChange.status_before) == CLOSED,
            col(ReportStatusChange.at) >= seconds(period.start),
            col(ReportStatusChange.at) < seconds(period.end),
        ),
    )
    return [(int(cid), float(at)) for cid, at in rows]
