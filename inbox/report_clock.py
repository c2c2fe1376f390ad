"""The time a report counts in: its period (whole local days of the workspace's zone) and the
clocks that measure a span, in calendar time or in the SLA calendar's business time.

Reports measure tens of thousands of spans, so times here are seconds since the epoch (as the
queries return them) and a business clock walks the calendar once, into prefix sums, then
answers each span with two binary searches instead of walking its days again.
"""

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, pairwise, repeat
from operator import add, floordiv, sub
from typing import Protocol
from zoneinfo import ZoneInfo

import numpy
from sqlalchemy import ColumnElement, SQLColumnExpression, case, literal_column

from app.core.errors import Invalid
from app.core.i18n import gettext as _
from inbox.sla import local_midnight

MAX_DAYS = 366
_EPOCH_DAY = date(1970, 1, 1)


@dataclass(frozen=True)
class Period:
    """Local days `first` through `last`; `start` and `end` (exclusive) are their UTC bounds."""

    first: date
    last: date
    zone: ZoneInfo
    start: datetime
    end: datetime

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def offset_stretches(self) -> list[tuple[datetime, datetime, int]]:
        """The period cut where the zone's UTC offset changes: (start, end, offset seconds).
        Within a stretch a time's local day is floor((epoch + offset) / 86400), which lets a
        query count by local day on SQLite and PostgreSQL alike."""
        cuts = [self.start]
        midnights = [local_midnight(day, self.zone) for day in [*self.days, self.last]]
        for before, after in pairwise(midnights):
            if _offset(before, self.zone) != _offset(after, self.zone):
                cuts.append(_change_between(before, after, self.zone))
        cuts.append(self.end)
        return [(a, b, _offset(a, self.zone)) for a, b in pairwise(cuts)]

    def local_day(self, moment: SQLColumnExpression[int]) -> ColumnElement[int]:
        """A query's epoch-seconds column of this period's moments as its local day number
        (`day_of` names it): a division in each stretch of constant UTC offset. The numbers
        are written into the SQL, so a query can group by the expression it selects."""
        stretches = self.offset_stretches()
        days = [
            (moment + literal_column(str(int(offset)))) // literal_column("86400")
            for _, _, offset in stretches
        ]
        if len(days) == 1:
            return days[0]
        whens = [
            (moment < literal_column(str(int(epoch(end)))), day)
            for (_, end, _), day in zip(stretches, days, strict=True)
        ]
        return case(*whens[:-1], else_=days[-1])

    @staticmethod
    def day_of(number: int) -> date:
        return _EPOCH_DAY + timedelta(days=int(number))

    def count_days(self, moments: Sequence[float]) -> Counter[date]:
        """How many of `moments` (epoch seconds) fall on each local day of the period: in
        each stretch of constant UTC offset, a local day is a division."""
        ordered = sorted(moments)
        counts: Counter[int] = Counter()
        for start, end, offset in self.offset_stretches():
            inside = ordered[bisect_left(ordered, epoch(start)) : bisect_left(ordered, epoch(end))]
            counts.update(map(floordiv, map(add, inside, repeat(offset)), repeat(86400)))
        return Counter({self.day_of(day): n for day, n in counts.items()})


def _offset(at: datetime, zone: ZoneInfo) -> int:
    offset = at.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _change_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant with `after`'s offset (zones change on whole minutes or seconds)."""
    wanted = _offset(after, zone)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if _offset(middle, zone) == wanted:
            after = middle
        else:
            before = middle
    return after.replace(microsecond=0)


def parse_day(text: str | None, field: str) -> date:
    """Only YYYY-MM-DD; the message names the query parameter."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        day = None
    if day is None or day.isoformat() != text:
        raise Invalid(
            _("%(field)s: %(text)r is not a date (YYYY-MM-DD)") % {"field": field, "text": text}
        )
    return day


def period_of(first: date, last: date, zone: ZoneInfo) -> Period:
    if last < first:
        raise Invalid(_("to: the period is empty (to is before from)"))
    if (last - first).days >= MAX_DAYS:
        raise Invalid(_("to: a report covers at most %(days)s days") % {"days": MAX_DAYS})
    start = local_midnight(first, zone)
    end = local_midnight(last + timedelta(days=1), zone)
    return Period(first=first, last=last, zone=zone, start=start, end=end)


def epoch(at: datetime) -> float:
    return at.astimezone(UTC).timestamp()


class Clock(Protocol):
    def elapsed_each(self, starts: Sequence[float], ends: Sequence[float]) -> list[float]:
        """Seconds this clock counts from each start to its end (0 when the end is not after
        the start), for a whole column of spans at once."""
        ...


class WallClock:
    """Calendar time: every second counts."""

    def elapsed_each(self, starts: Sequence[float], ends: Sequence[float]) -> list[float]:
        return list(map(max, repeat(0.0), map(sub, ends, starts)))


class IntervalClock:
    """Time that runs only inside the given intervals (sorted, not overlapping).

    A report measures ninety thousand first responses and as many open stretches, so a whole
    column of moments is placed among the intervals at once, by numpy's vectorised binary
    search: in a Python loop, one moment at a time, that placing was a third of a report's
    time. A single moment (a due time) takes the same search in `bisect`. A sentinel interval,
    ending before any moment, stands first, so a moment before the first real interval counts
    zero without a test of its own."""

    def __init__(self, intervals: Sequence[tuple[datetime, datetime]]) -> None:
        self._starts = [epoch(a) for a, _ in intervals]
        self._ends = [epoch(b) for _, b in intervals]
        lengths = [b - a for a, b in zip(self._starts, self._ends, strict=True)]
        self._after = list(accumulate(lengths))
        self._before = [total - length for total, length in zip(self._after, lengths, strict=True)]
        sentinel = -float(2**62)
        self._opens, self._closes = [sentinel, *self._starts], [sentinel, *self._ends]
        self._counted_before = [0.0, *self._before]
        self._columns = tuple(
            numpy.array(values, dtype=numpy.float64)
            for values in (self._opens, self._closes, self._counted_before)
        )

    def _counted(self, at: float) -> float:
        """Seconds counted from the first interval to `at`."""
        index = bisect_right(self._opens, at) - 1
        return self._counted_before[index] + min(at, self._closes[index]) - self._opens[index]

    def _counted_each(self, moments: Sequence[float]) -> numpy.ndarray:
        opens, closes, before = self._columns
        at = numpy.fromiter(moments, dtype=numpy.float64, count=len(moments))
        index = numpy.searchsorted(opens, at, side="right") - 1
        return before[index] + numpy.minimum(at, closes[index]) - opens[index]

    def elapsed(self, start: float, end: float) -> float:
        """Seconds counted from `start` to `end` (0 when end is not after start)."""
        return max(0.0, self._counted(end) - self._counted(start))

    def elapsed_each(self, starts: Sequence[float], ends: Sequence[float]) -> list[float]:
        counted = self._counted_each(ends) - self._counted_each(starts)
        lengths: list[float] = numpy.maximum(counted, 0.0).tolist()
        return lengths

    def add(self, start: float, seconds: float) -> float | None:
        """The instant `seconds` of counted time after `start` (the next opening when 0 and
        closed); None past the intervals this clock was built with."""
        target = self._counted(start) + seconds
        index = bisect_left(self._after, target)
        while index < len(self._ends) and self._ends[index] <= start:
            index += 1
        if index == len(self._ends):
            return None
        return self._starts[index] + target - self._before[index]
