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
from operator import itemgetter

from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.core.models import ReportConversation, ReportStatusChange, SlaPolicy
from inbox.report_clock import Clock, IntervalClock, Period, WallClock
from inbox.report_scope import ReportScope, closes, rows_of, seconds
from inbox.sla import BusinessCalendar, calendar_for

#: Days of calendar walked past the period, so a due time after it can still be found.
MARGIN = timedelta(days=60)


@dataclass(frozen=True)
class Begun:
    """The period's conversations, column by column: a report holds tens of thousands, and
    measures them a column at a time. Times are epoch seconds."""

    ids: tuple[int, ...] = ()
    started: tuple[int, ...] = ()
    contacts: tuple[int | None, ...] = ()
    first_in: tuple[int | None, ...] = ()
    first_reply: tuple[int | None, ...] = ()
    replied_by: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class Closed:
    conversation_id: int
    started: float
    closed_at: float
    closed_by: int | None
    replies: int


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


def begun_conversations(session: Session, scope: ReportScope, period: Period) -> Begun:
    """Each conversation begun in the period, with its first client message and the team's
    first reply after it, as the rollup holds them."""
    rows = rows_of(
        session,
        sa_select(
            col(ReportConversation.conversation_id),
            col(ReportConversation.started),
            col(ReportConversation.contact_id),
            col(ReportConversation.first_in),
            col(ReportConversation.first_reply),
            col(ReportConversation.first_reply_by),
        ).where(
            *scope.rollup(ReportConversation),
            col(ReportConversation.started) >= seconds(period.start),
            col(ReportConversation.started) < seconds(period.end),
        ),
    )
    return Begun(*(tuple(map(itemgetter(n), rows)) for n in range(6)))


def closed_conversations(session: Session, scope: ReportScope, period: Period) -> list[Closed]:
    """Each conversation closed in the period, at its last close in it, with the team's
    replies by then. The closes are put in the audit trail's order here: sorting them in the
    database cost more than reading them."""
    rows = rows_of(
        session,
        sa_select(
            col(ReportStatusChange.conversation_id),
            col(ReportStatusChange.started),
            col(ReportStatusChange.at),
            col(ReportStatusChange.actor_id),
            col(ReportStatusChange.replies),
            col(ReportStatusChange.audit_event_id),
        ).where(*_closes_in(scope, period)),
    )
    in_order = sorted(rows, key=itemgetter(2, 5))
    last = {int(cid): (began, at, actor, replies) for cid, began, at, actor, replies, _ in in_order}
    return [
        Closed(cid, float(began), float(at), actor, int(replies))
        for cid, (began, at, actor, replies) in last.items()
    ]


def _closes_in(scope: ReportScope, period: Period) -> list[ColumnElement[bool]]:
    return [
        *scope.rollup(ReportStatusChange),
        *closes(),
        col(ReportStatusChange.at) >= seconds(period.start),
        col(ReportStatusChange.at) < seconds(period.end),
    ]


def open_times(
    session: Session, scope: ReportScope, period: Period, closed: Sequence[Closed], clock: Clock
) -> list[float]:
    """Each closed conversation's time open until its close: the sum of its stretches open
    that ended by then (the rollup keeps when each began), measured on `clock`."""
    closed_ids = select(ReportStatusChange.conversation_id).where(*_closes_in(scope, period))
    stretches = rows_of(
        session,
        select(
            ReportStatusChange.conversation_id,
            ReportStatusChange.open_since,
            ReportStatusChange.at,
        ).where(
            col(ReportStatusChange.conversation_id).in_(closed_ids),
            col(ReportStatusChange.open_since).is_not(None),
            col(ReportStatusChange.at) < seconds(period.end),
        ),
    )
    closed_at = {c.conversation_id: c.closed_at for c in closed}
    counted = [row for row in stretches if row[2] <= closed_at.get(row[0], -1.0)]
    lengths = clock.elapsed_each([row[1] for row in counted], [row[2] for row in counted])
    totals = dict.fromkeys(closed_at, 0.0)
    for row, length in zip(counted, lengths, strict=True):
        totals[row[0]] += length
    return [totals[c.conversation_id] for c in closed]
