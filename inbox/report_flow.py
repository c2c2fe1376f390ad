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

from app.core.models import AuditEvent, Conversation
from inbox.report_clock import Period
from inbox.report_scope import (
    CLOSED,
    ReportScope,
    count_by_day,
    started,
    status_after,
    status_before,
    status_changes,
)


@dataclass(frozen=True)
class Flow:
    created_by_day: Counter[date]
    reopened: int
    backlog: int

    @property
    def created(self) -> int:
        return sum(self.created_by_day.values())


def count_flow(session: Session, scope: ReportScope, period: Period) -> Flow:
    created = count_by_day(session, scope, period, started(), scope.conditions())
    return Flow(
        created_by_day=created,
        reopened=_reopened(session, scope, period),
        backlog=_backlog(session, scope, period),
    )


def _reopened(session: Session, scope: ReportScope, period: Period) -> int:
    query = (
        select(func.count(func.distinct(AuditEvent.conversation_id)))
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(
            *scope.conditions(),
            *status_changes(),
            status_before() == CLOSED,
            status_after() != CLOSED,
            col(AuditEvent.created_at) >= period.start,
            col(AuditEvent.created_at) < period.end,
        )
    )
    return int(session.exec(query).one())


def _backlog(session: Session, scope: ReportScope, period: Period) -> int:
    """Not closed now, corrected by the first status change after the end of each conversation
    changed since (its `before` is the status it had at the end)."""
    existing = [*scope.conditions(), started() < period.end]
    open_now = session.exec(
        select(func.count()).where(*existing, col(Conversation.status) != CLOSED)
    ).one()
    later = session.exec(
        select(AuditEvent.conversation_id, status_before(), Conversation.status)
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(*existing, *status_changes(), col(AuditEvent.created_at) >= period.end)
        .order_by(col(AuditEvent.conversation_id), col(AuditEvent.created_at), col(AuditEvent.id))
    ).all()
    backlog, seen = int(open_now), set()
    for conversation_id, at_end, now in later:
        if conversation_id not in seen:
            seen.add(conversation_id)
            backlog += (at_end != CLOSED) - (now != CLOSED)
    return backlog
