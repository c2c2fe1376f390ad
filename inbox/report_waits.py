"""How first responses spread over the period: how many clients waited under an hour, one to
four hours, and so on, and how many are still waiting, for the Reports page's histogram.

The summary (`report_metrics`) gives the median and the 90th percentile of the waits it
measured (each conversation begun in the period, from the client's first message to the team's
first reply, on the business clock or in calendar time), and these buckets of the same waits,
so the page reads them once. The bucket bounds are in counted hours, so "under 1 h" in
business hours is under one working hour. Reads only.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy

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


def waits_spread(waits: Sequence[float], unanswered: int) -> WaitSpread:
    return WaitSpread(buckets=bucketed(waits), unanswered=unanswered)


def bucketed(waits: Sequence[float]) -> list[Bucket]:
    """One sort and a binary search per bound (waits are never negative)."""
    ordered = numpy.sort(numpy.asarray(waits, dtype=numpy.float64))
    below = [*numpy.searchsorted(ordered, BOUNDS, side="left").tolist(), len(ordered)]
    highs: list[int | None] = [*BOUNDS[1:], None]
    return [
        Bucket(low, high, below[n + 1] - below[n])
        for n, (low, high) in enumerate(zip(BOUNDS, highs, strict=True))
    ]
