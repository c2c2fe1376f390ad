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
hours at all counts calendar time, as the SLA does. The rollup keeps each of them measured
(`inbox.report_measures`), so a report reads one number per conversation. Reads only.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.core.models import ReportConversation, ReportStatusChange
from inbox.report_clock import Period
from inbox.report_scope import ReportScope, closes, rows_of, seconds


@dataclass(frozen=True)
class FirstResponses:
    """The period's first responses: each answered conversation's wait and who answered,
    column by column (a report holds tens of thousands), and the SLA's tally; and since that
    reads every conversation begun in the period, how many began each day."""

    waits: list[float]
    repliers: list[int | None]
    created_by_day: Counter[date]
    unanswered: int
    on_time: int
    missed: int


@dataclass(frozen=True)
class Closed:
    conversation_id: int
    closed_at: float
    closed_by: int | None
    replies: int
    open_for: float


def first_responses(
    session: Session, scope: ReportScope, period: Period, business: bool, now: float
) -> FirstResponses:
    """Each conversation begun in the period: its wait for the team's first reply after the
    client's first message, and whether that reply came by the SLA's due time. A conversation
    unanswered counts as missed once its due time has passed, and not at all before."""
    facts = ReportConversation
    begun = [
        *scope.rollup(facts),
        col(facts.started) >= seconds(period.start),
        col(facts.started) < seconds(period.end),
    ]
    waited = col(facts.first_wait) if business else col(facts.first_reply) - col(facts.first_in)
    answered = rows_of(
        session,
        sa_select(waited, col(facts.first_reply_by)).where(
            *begun, col(facts.first_reply).is_not(None)
        ),
    )
    reply, due = col(facts.first_reply), col(facts.first_due)
    asked = col(facts.first_in).is_not(None)
    on_time = (reply.is_not(None)) & (due.is_(None) | (reply <= due))
    late = reply.is_not(None) & (reply > due)
    overdue = asked & reply.is_(None) & (due <= int(now))
    day = period.local_day(col(facts.started))
    tally = rows_of(
        session,
        sa_select(
            day,
            func.count(),
            *(
                _count_of(condition)
                for condition in (asked & reply.is_(None), on_time, late | overdue)
            ),
        )
        .where(*begun)
        .group_by(day),
    )
    return FirstResponses(
        waits=[float(row[0]) for row in answered],
        repliers=[row[1] for row in answered],
        created_by_day=Counter({period.day_of(row[0]): int(row[1]) for row in tally}),
        unanswered=sum(int(row[2]) for row in tally),
        on_time=sum(int(row[3]) for row in tally),
        missed=sum(int(row[4]) for row in tally),
    )


def _count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def closed_conversations(
    session: Session, scope: ReportScope, period: Period, business: bool
) -> list[Closed]:
    """Each conversation closed in the period, at its last close in it, with the team's
    replies by then and its time open up to it (stretches pending, snoozed or closed before
    a reopening left out)."""
    change = ReportStatusChange
    rows = rows_of(
        session,
        sa_select(
            col(change.conversation_id),
            col(change.at),
            col(change.audit_event_id),
            col(change.actor_id),
            col(change.replies),
            col(change.open_business) if business else col(change.open_calendar),
        ).where(
            *scope.rollup(change),
            *closes(),
            col(change.at) >= seconds(period.start),
            col(change.at) < seconds(period.end),
        ),
    )
    last: dict[int, tuple[int, ...]] = {}
    for row in rows:
        seen = last.get(row[0])
        if seen is None or (row[1], row[2]) > (seen[1], seen[2]):
            last[row[0]] = row
    return [
        Closed(int(cid), float(at), actor, int(replies), float(open_for or 0))
        for cid, at, _, actor, replies, open_for in last.values()
    ]
