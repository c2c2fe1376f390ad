"""How a report sums up many measurements: the median and 90th percentile of durations, in
whole seconds, and shares as ratios. An empty set gives 0, as an empty period shows zeros; its
count, reported beside it, tells the two apart."""

from collections.abc import Sequence

import numpy


def percentile(values: Sequence[float], fraction: float) -> int:
    """Interpolated between the two nearest values (as PostgreSQL's percentile_cont), so the
    median of an even count is the middle of its two middle values. numpy selects them
    without sorting the whole column: a report takes a few of a column of ninety thousand."""
    if not len(values):
        return 0
    return round(float(numpy.quantile(numpy.asarray(values, dtype=numpy.float64), fraction)))


def median(values: Sequence[float]) -> int:
    return percentile(values, 0.5)


def ratio(part: int, whole: int) -> float:
    """part / whole in 0..1, rounded to 4 places; 0 when there is nothing to divide."""
    return round(part / whole, 4) if whole else 0.0
