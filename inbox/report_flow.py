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

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from app.core.models import Conversation, ReportConversation, ReportStatusChange
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


def count_flow(session: Session, scope: ReportScope, period: Period) -> Flow:
    return Flow(
        created_by_day=_created_by_day(session, scope, period),
        reopened=_reopened(session, scope, period),
        backlog=_backlog(session, scope, period),
    )


def _created_by_day(session: Session, scope: ReportScope, period: Period) -> Counter[date]:
    """Conversations begun on each local day, counted in the database."""
    day = period.local_day(col(ReportConversation.started))
    rows = session.connection().execute(
        sa_select(day, func.count())
        .where(
            *scope.rollup(ReportConversation),
            col(ReportConversation.started) >= seconds(period.start),
            col(ReportConversation.started) < seconds(period.end),
        )
        .group_by(day)
    )
    return Counter({period.day_of(number): int(count) for number, count in rows})


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
