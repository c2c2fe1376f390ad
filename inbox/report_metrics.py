"""The team's report for a period: the flow of conversations, how long clients waited, repeat
requests, promises, and the same per agent and per day.

Everything is computed from the audit trail and the messages, never from counters kept on a
conversation, in business hours of the workspace's SLA calendar or in calendar hours. The
period is whole local days of the workspace's zone. The parts (`report_flow`, `report_times`,
`report_repeats`, `report_agents`, `promise_report`, `report_csat`) read the reports' rollup,
the audit trail's and the messages' answers per conversation kept as narrow rows
(`report_rollup` says why and how it stays true), in a few set-based queries each, so the cost
grows with the rows a period holds, never with one query per conversation. The only writing is
the rollup's: the conversations changed since the last report are recomputed first.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlmodel import Session

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from app.core.models import Workspace
from app.core.zones import zone_or_utc
from inbox.promise_report import count_outcomes
from inbox.report_agents import AgentRow, agent_rows
from inbox.report_clock import Period, epoch, parse_day, period_of
from inbox.report_csat import csat_figures
from inbox.report_flow import count_flow
from inbox.report_repeats import count_repeats
from inbox.report_rollup import refresh
from inbox.report_scope import ReportScope
from inbox.report_spread import median, percentile, ratio
from inbox.report_times import closed_conversations, first_responses
from inbox.report_waits import WaitSpread, waits_spread

HOURS = ("business", "calendar")


@dataclass(frozen=True)
class ReportRequest:
    """The query as given: dates as YYYY-MM-DD text, so a bad one is refused by name."""

    from_day: str | None
    to_day: str | None
    mailbox_id: int | None = None
    assignee_id: int | None = None
    tag: str | None = None
    hours: str = "business"


@dataclass(frozen=True)
class Spread:
    count: int
    median: int
    p90: int


@dataclass(frozen=True)
class DayRow:
    date: date
    created: int
    closed: int


@dataclass(frozen=True)
class Summary:
    period: Period
    hours: str
    created: int
    closed: int
    reopened: int
    backlog: int
    first_response: Spread
    first_response_within_sla: float
    resolution: Spread
    replies_to_resolution: float
    repeat_requests: int
    promises_made: int
    promises_kept: int
    promises_broken: int
    promises_kept_ratio: float
    by_agent: list[AgentRow] = field(default_factory=list)
    by_day: list[DayRow] = field(default_factory=list)
    #: The clients' average score 1-5 in the period (`inbox.report_csat`); None without one.
    csat: float | None = None
    #: The first responses in the histogram's buckets, with those still unanswered.
    first_response_waits: WaitSpread = field(default_factory=lambda: waits_spread([], 0))


def summarize(
    session: Session, *, workspace_id: int, request: ReportRequest, now: datetime
) -> Summary:
    with _no_cycle_collection():
        return _summarize(session, workspace_id, request, now)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A report allocates a few hundred thousand short-lived tuples (rows and pairs) that hold
    no reference cycles; each few hundred of them set off Python's cycle collector, which walks
    every object of the process again and again, for a fifth of the report's time. Freed
    tuples are freed at once all the same; only the search for cycles waits for the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _summarize(
    session: Session, workspace_id: int, request: ReportRequest, now: datetime
) -> Summary:
    period, scope = read_request(session, workspace_id, request)
    refresh(session, workspace_id)
    business = request.hours == "business"
    firsts = first_responses(session, scope, period, business, epoch(now))
    flow = count_flow(session, scope, period, firsts.created_by_day)
    closed = closed_conversations(session, scope, period, business)
    promises = count_outcomes(session, workspace_id, period.start, period.end, scope.conditions())
    made, kept, broken = (promises.get(name, 0) for name in ("made", "kept", "broken"))
    closed_by_day = period.count_days([c.closed_at for c in closed])
    summary = Summary(
        period=period,
        hours=request.hours,
        created=flow.created,
        closed=len(closed),
        reopened=flow.reopened,
        backlog=flow.backlog,
        first_response=_spread(firsts.waits),
        first_response_waits=waits_spread(firsts.waits, firsts.unanswered),
        first_response_within_sla=ratio(firsts.on_time, firsts.on_time + firsts.missed),
        resolution=_spread([c.open_for for c in closed]),
        replies_to_resolution=(
            round(sum(c.replies for c in closed) / len(closed), 2) if closed else 0.0
        ),
        repeat_requests=count_repeats(session, scope, period).total,
        promises_made=made,
        promises_kept=kept,
        promises_broken=broken,
        promises_kept_ratio=ratio(kept, kept + broken),
        by_agent=agent_rows(
            session,
            scope,
            period,
            closed,
            [
                (by, wait)
                for by, wait in zip(firsts.repliers, firsts.waits, strict=True)
                if by is not None
            ],
        ),
        by_day=[DayRow(day, flow.created_by_day[day], closed_by_day[day]) for day in period.days],
    )
    ratings = csat_figures(session, scope, period)
    return replace(summary, csat=ratings.average, by_agent=ratings.credited(summary.by_agent))


def read_request(
    session: Session, workspace_id: int, request: ReportRequest
) -> tuple[Period, ReportScope]:
    """The period in the workspace's days and the conversations covered; Invalid names the
    field that is wrong. Every report of a request reads it here, so they refuse alike."""
    if request.hours not in HOURS:
        raise Invalid(
            _("hours: %(hours)r is not one of %(choices)s")
            % {"hours": request.hours, "choices": ", ".join(HOURS)}
        )
    first = parse_day(request.from_day, "from")
    last = parse_day(request.to_day, "to")
    workspace = session.get(Workspace, workspace_id)
    zone = zone_or_utc(workspace.timezone if workspace else "UTC")
    bind = session.get_bind()
    scope = ReportScope(
        workspace_id=workspace_id,
        dialect=bind.dialect.name,
        mailbox_id=request.mailbox_id,
        assignee_id=request.assignee_id,
        tag=(request.tag or "").strip() or None,
    )
    return period_of(first, last, zone), scope


def _spread(values: list[float]) -> Spread:
    return Spread(count=len(values), median=median(values), p90=percentile(values, 0.9))
