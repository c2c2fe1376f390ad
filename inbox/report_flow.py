"""How work flowed through the period: conversations created, reopened, and open at its end.

Created counts conversations whose first message falls in the period. Reopened counts
conversations taken out of closed in the period (by the client writing in, or by the team).
The backlog is what the team still held at the period's end (open, pending or snoozed): the
conversations' status now, wound back through every status change audited since the end, so
a conversation imported closed from Gmail history (which has no close event) is not counted as
open forever. Reads only.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from app.core.models import Conversation, ReportStatusChange
from inbox.report_clock import Period
from inbox.report_scope import CLOSED, ReportScope, seconds, started


@dataclass(frozen=True)
class Flow:
    created_by_day: Counter[date]
    reopened: int
    backlog: int

    @property
    def created(self) -> int:
        return sum(self.created_by_day.values())


def count_flow(
    session: Session, scope: ReportScope, period: Period, created_by_day: Counter[date]
) -> Flow:
    """`created_by_day` comes from the first responses' reading of the same conversations."""
    return Flow(
        created_by_day=created_by_day,
        reopened=_reopened(session, scope, period),
        backlog=_backlog(session, scope, period),
    )


def _reopened(session: Session, scope: ReportScope, period: Period) -> int:
    query = select(func.count(func.distinct(ReportStatusChange.conversation_id))).where(
        *scope.rollup(ReportStatusChange),
        col(ReportStatusChange.status_before) == CLOSED,
        col(ReportStatusChange.status_after) != CLOSED,
        col(ReportStatusChange.at) >= seconds(period.start),
        col(ReportStatusChange.at) < seconds(period.end),
    )
    return int(session.exec(query).one())


def _backlog(session: Session, scope: ReportScope, period: Period) -> int:
    """Not closed now, corrected by the first status change after the end of each conversation
    changed since (its `before` is the status it had at the end)."""
    open_now = session.exec(
        select(func.count()).where(
            *scope.conditions(), started() < period.end, col(Conversation.status) != CLOSED
        )
    ).one()
    later = session.exec(
        select(
            ReportStatusChange.conversation_id,
            ReportStatusChange.status_before,
            Conversation.status,
        )
        .join(Conversation, col(Conversation.id) == ReportStatusChange.conversation_id)
        .where(
            *scope.rollup(ReportStatusChange),
            col(ReportStatusChange.started) < seconds(period.end),
            col(ReportStatusChange.at) >= seconds(period.end),
        )
        .order_by(
            col(ReportStatusChange.conversation_id),
            col(ReportStatusChange.at),
            col(ReportStatusChange.audit_event_id),
        )
    ).all()
    backlog, seen = int(open_now), set()
    for conversation_id, at_end, now in later:
        if conversation_id not in seen:
            seen.add(conversation_id)
            backlog += (at_end != CLOSED) - (now != CLOSED)
    return backlog
