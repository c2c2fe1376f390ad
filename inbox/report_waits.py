"""How first responses spread over the period: how many clients waited under an hour, one to
four hours, and so on, and how many are still waiting, for the Reports page's histogram.

The summary (`report_metrics`) gives the median and the 90th percentile of the same waits;
this counts them into buckets instead, measured the same way: each conversation begun in the
period, from the client's first message to the team's first reply (`report_times`, through
the reports' rollup, brought up to date first as the summary does), on the business clock or
in calendar time. The bucket bounds are in counted hours, so "under 1 h" in
business hours is under one working hour. Reads only.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from inbox.report_clock import epoch
from inbox.report_metrics import ReportRequest, read_request
from inbox.report_rollup import refresh
from inbox.report_times import Clocks, begun_conversations
from inbox.sla import policy_of

HOUR = 3600
#: The buckets' lower bounds in seconds; each runs up to the next one, the last has no end.
BOUNDS = (0, 1 * HOUR, 4 * HOUR, 8 * HOUR, 24 * HOUR)


@dataclass(frozen=True)
class Bucket:
    """Waits of at least `low` seconds and under `high` (None: no upper bound)."""

    low: int
    high: int | None
    count: int


@dataclass(frozen=True)
class WaitSpread:
    buckets: list[Bucket]
    unanswered: int


def first_response_spread(
    session: Session, *, workspace_id: int, request: ReportRequest
) -> WaitSpread:
    """Refuses what `summarize` refuses, with the same messages (`read_request`)."""
    period, scope = read_request(session, workspace_id, request)
    refresh(session, workspace_id)
    begun = begun_conversations(session, scope, period)
    asked = list(zip(begun.first_in, begun.first_reply, strict=True))
    answered = [(first, reply) for first, reply in asked if first is not None and reply is not None]
    clock = Clocks(
        policy_of(session, workspace_id), epoch(period.start), period, request.hours == "business"
    ).durations
    waits = clock.elapsed_each([first for first, _ in answered], [reply for _, reply in answered])
    unanswered = sum(first is not None and reply is None for first, reply in asked)
    return WaitSpread(buckets=bucketed(waits), unanswered=unanswered)


def bucketed(waits: Sequence[float]) -> list[Bucket]:
    highs: list[int | None] = [*BOUNDS[1:], None]
    return [
        Bucket(low, high, sum(1 for wait in waits if low <= wait and (high is None or wait < high)))
        for low, high in zip(BOUNDS, highs, strict=True)
    ]
