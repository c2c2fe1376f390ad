"""How long clients waited: first response and resolution times, and the replies it took.

First response: for each conversation begun in the period, from the client's first message to
the team's first reply after it (Tandem's replies and mail written in Gmail; an automatic
acknowledgement or a resolution notice is no answer). Within the SLA: answered by the due time
the SLA gives that first message (its business-time target, capped as `inbox.sla` caps it);
a conversation still unanswered counts as missed once its due time has passed, and not at all
before.

Resolution: for each conversation closed in the period (its last close in the period), the
time it spent open from its first message to that close: stretches pending, snoozed or closed
(before a reopening) do not count. Replies to resolution: the team's replies up to that close.

Durations run on the SLA calendar's business hours, or in calendar time; a calendar with no
hours at all counts calendar time, as the SLA does. Reads only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Subquery, and_, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation, Message, SlaPolicy
from inbox.report_clock import Clock, IntervalClock, Period, WallClock
from inbox.report_scope import (
    ReportScope,
    client_messages,
    closes,
    rows_of,
    started,
    status_after,
    status_changes,
    team_replies,
)
from inbox.sla import BusinessCalendar, calendar_for

#: Days of calendar walked past the period, so a due time after it can still be found.
MARGIN = timedelta(days=60)


@dataclass(frozen=True)
class FirstResponse:
    conversation_id: int
    first_in: float
    reply_at: float | None
    replied_by: int | None


@dataclass(frozen=True)
class Closed:
    conversation_id: int
    started: float
    closed_at: float
    closed_by: int | None


class Clocks:
    """The report's clock for durations, and the SLA's due time of a first message."""

    def __init__(self, policy: SlaPolicy, earliest: float, period: Period, business: bool):
        self.policy = policy
        self.calendar: BusinessCalendar = calendar_for(policy)
        first = datetime.fromtimestamp(earliest, UTC).astimezone(self.calendar.zone).date()
        last = period.last + MARGIN
        self._open = IntervalClock(self.calendar.open_intervals(first, last))
        self._working = IntervalClock(self.calendar.working_day_intervals(first, last))
        self.durations: Clock = self._open if business and self.calendar.ever_open else WallClock()

    @property
    def soonest_due(self) -> float:
        """Seconds after a first message before which no first response is ever due."""
        return min(self.policy.first_response_minutes, self.policy.max_response_minutes) * 60

    def first_response_due(self, first_in: float) -> float | None:
        """As `inbox.sla.first_response_due`; None when past the walked calendar."""
        target = self.policy.first_response_minutes * 60
        cap_length = self.policy.max_response_minutes * 60
        if not self.calendar.ever_open:
            return first_in + cap_length
        if self.policy.max_response_clock == "calendar":
            cap: float | None = first_in + cap_length
        else:
            cap = self._working.add(first_in, cap_length)
        if cap is not None and self._open.elapsed(first_in, cap) // 60 < target // 60:
            return cap
        return self._open.add(first_in, target)


def first_responses(session: Session, scope: ReportScope, period: Period) -> list[FirstResponse]:
    """One set-based query: each conversation's first client message and the first team reply
    after it, found through the message timeline index."""
    first_in = (
        select(func.min(Message.date))
        .where(col(Message.conversation_id) == Conversation.id, *client_messages())
        .correlate(Conversation)
        .scalar_subquery()
    )
    begun = (
        select(col(Conversation.id).label("id"), first_in.label("first_in"))
        .where(*scope.conditions(), started() >= period.start, started() < period.end)
        .cte("begun")
        .prefix_with("MATERIALIZED")
    )
    replies = [
        col(Message.conversation_id) == begun.c.id,
        *team_replies(),
        col(Message.date) >= begun.c.first_in,
    ]
    reply_at = select(func.min(Message.date)).where(*replies).correlate(begun).scalar_subquery()
    replied_by = (
        select(Message.sent_by_user_id)
        .where(*replies, col(Message.date) == reply_at)
        .limit(1)
        .correlate(begun)
        .scalar_subquery()
    )
    answered = select(
        begun.c.id, begun.c.first_in, reply_at.label("reply_at"), replied_by.label("replied_by")
    ).subquery()
    rows = rows_of(
        session,
        select(
            answered.c.id,
            scope.epoch(answered.c.first_in),
            scope.epoch(answered.c.reply_at),
            answered.c.replied_by,
        ).where(answered.c.first_in.is_not(None)),
    )
    return [
        FirstResponse(int(cid), float(at), None if r is None else float(r), by)
        for cid, at, r, by in rows
    ]


def _last_closes(scope: ReportScope, period: Period) -> Subquery:
    ranked = (
        sa_select(
            col(AuditEvent.conversation_id).label("conversation_id"),
            col(AuditEvent.created_at).label("closed_at"),
            col(AuditEvent.actor_id).label("actor_id"),
            scope.epoch(started()).label("started"),
            func.row_number()
            .over(
                partition_by=col(AuditEvent.conversation_id),
                order_by=(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc()),
            )
            .label("rank"),
        )
        .join(Conversation, col(Conversation.id) == AuditEvent.conversation_id)
        .where(
            *scope.conditions(),
            *closes(),
            col(AuditEvent.created_at) >= period.start,
            col(AuditEvent.created_at) < period.end,
        )
        .subquery()
    )
    return sa_select(ranked).where(ranked.c.rank == 1).subquery()


def closed_conversations(
    session: Session, scope: ReportScope, period: Period
) -> tuple[list[Closed], dict[int, int]]:
    """Each conversation closed in the period (at its last close in it), and how many team
    replies it had by then (absent when none)."""
    last = _last_closes(scope, period)
    closed = [
        Closed(int(cid), float(begun), float(at), actor)
        for cid, at, actor, begun in rows_of(
            session,
            select(
                last.c.conversation_id,
                scope.epoch(last.c.closed_at),
                last.c.actor_id,
                last.c.started,
            ),
        )
    ]
    replies = session.exec(
        select(last.c.conversation_id, func.count(col(Message.id)))
        .join(
            Message,
            and_(
                col(Message.conversation_id) == last.c.conversation_id,
                col(Message.date) <= last.c.closed_at,
                *team_replies(),
            ),
        )
        .group_by(last.c.conversation_id)
    ).all()
    return closed, {int(cid): int(count) for cid, count in replies}


def open_times(
    session: Session, scope: ReportScope, period: Period, closed: Sequence[Closed], clock: Clock
) -> list[float]:
    """Each closed conversation's time open until its close, walking its audited statuses."""
    last = _last_closes(scope, period)
    changes = rows_of(
        session,
        select(AuditEvent.conversation_id, scope.epoch(AuditEvent.created_at), status_after())
        .where(
            col(AuditEvent.workspace_id) == scope.workspace_id,
            *status_changes(),
            col(AuditEvent.conversation_id).in_(select(last.c.conversation_id)),
            col(AuditEvent.created_at) < period.end,
        )
        .order_by(col(AuditEvent.conversation_id), col(AuditEvent.created_at), col(AuditEvent.id)),
    )
    history: dict[int, list[tuple[float, str]]] = {}
    for cid, at, status in changes:
        history.setdefault(int(cid or 0), []).append((float(at), status))
    return [_time_open(c, history.get(c.conversation_id, []), clock) for c in closed]


def _time_open(closed: Closed, changes: Sequence[tuple[float, str]], clock: Clock) -> float:
    total, status, since = 0.0, "open", closed.started
    for at, after in changes:
        if at > closed.closed_at:
            break
        if status == "open":
            total += clock.elapsed(since, at)
        status, since = after, max(since, at)
    return total
