"""The Reports page's charts as geometry for server-drawn SVG: bars and axis ticks in the
coordinates of a chart's viewBox. No numbers are computed here beyond placing them; the words
(dates, durations, titles) are the template's, in the reader's language.

Drawn on the server so the page needs no script and no library, prints as it shows, and a
screen reader gets the same figures from each chart's title and its table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import ceil, log10

from inbox.report_agents import AgentRow
from inbox.report_metrics import DayRow
from inbox.report_waits import Bucket

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 30
#: At most this many dates under the daily chart, so labels never overlap.
DAY_LABELS = 7


@dataclass(frozen=True)
class Frame:
    """A chart's viewBox and the margins its axes' labels take."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def base(self) -> int:
        """Where bars stand."""
        return self.height - self.bottom


FRAME = Frame()


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass(frozen=True)
class Tick:
    position: float
    value: int


@dataclass(frozen=True)
class DayColumn:
    day: date
    created: Bar
    closed: Bar
    center: float
    labelled: bool


@dataclass(frozen=True)
class DayChart:
    columns: list[DayColumn]
    ticks: list[Tick]


@dataclass(frozen=True)
class BucketChart:
    bars: list[tuple[Bucket, Bar]]
    ticks: list[Tick]


@dataclass(frozen=True)
class AgentBars:
    """Each agent's closed and replies as a share (0..100) of the busiest agent's."""

    agent: AgentRow
    closed: float
    replies: float


def nice_top(largest: int) -> tuple[int, int]:
    """The axis's top and step: 1, 2 or 5 times a power of ten, at most four steps."""
    if largest <= 0:
        return 4, 1
    for step in (m * 10**p for p in range(int(log10(largest)) + 1) for m in (1, 2, 5)):
        if ceil(largest / step) <= 4:
            return ceil(largest / step) * step, step
    raise AssertionError("unreachable: some power of ten covers the largest value")


def _scale(largest: int) -> tuple[int, list[Tick]]:
    top, step = nice_top(largest)
    plot = HEIGHT - TOP - BOTTOM
    ticks = [Tick(HEIGHT - BOTTOM - plot * value / top, value) for value in range(0, top + 1, step)]
    return top, ticks


def _bar(x: float, width: float, value: int, top: int) -> Bar:
    height = (HEIGHT - TOP - BOTTOM) * value / top
    return Bar(x, HEIGHT - BOTTOM - height, width, height, value)


def day_chart(rows: Sequence[DayRow]) -> DayChart:
    """Created and closed side by side for each day; every n-th date labelled."""
    top, ticks = _scale(max([0, *(max(r.created, r.closed) for r in rows)]))
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(rows))
    bar = slot * 0.4
    every = ceil(len(rows) / DAY_LABELS) or 1
    columns = [
        DayColumn(
            day=row.date,
            created=_bar(LEFT + slot * n + slot * 0.1, bar, row.created, top),
            closed=_bar(LEFT + slot * n + slot * 0.5, bar, row.closed, top),
            center=LEFT + slot * (n + 0.5),
            labelled=n % every == 0,
        )
        for n, row in enumerate(rows)
    ]
    return DayChart(columns=columns, ticks=ticks)


def bucket_chart(buckets: Sequence[Bucket]) -> BucketChart:
    top, ticks = _scale(max([0, *(b.count for b in buckets)]))
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(buckets))
    bars = [
        (bucket, _bar(LEFT + slot * n + slot * 0.15, slot * 0.7, bucket.count, top))
        for n, bucket in enumerate(buckets)
    ]
    return BucketChart(bars=bars, ticks=ticks)


def agent_bars(agents: Sequence[AgentRow]) -> list[AgentBars]:
    most_closed = max([1, *(a.closed for a in agents)])
    most_replies = max([1, *(a.replies_sent for a in agents)])
    return [
        AgentBars(a, 100 * a.closed / most_closed, 100 * a.replies_sent / most_replies)
        for a in agents
    ]
