"""p50 / p95 / max of a series without keeping it: counts on a fixed logarithmic grid.

A user's series arrives in pieces (one per hour-long window); a histogram takes
each piece and forgets it, so memory per user and metric is constant (~1.6 kB)
whatever the window. A percentile is reported as its bin's geometric middle,
within ``RELATIVE_ERROR`` of the exact (nearest-rank) value, or within ``FLOOR``
for values near zero; min and max are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FLOOR = 0.01  # below this a value counts as zero (0.01 % loss, 0.01 ms)
CEILING = 1e6  # the last bin takes everything above
_RATIO = 1.02
RELATIVE_ERROR = math.sqrt(_RATIO) - 1  # half a bin, geometrically
_BINS = 2 + math.ceil(math.log(CEILING / FLOOR) / math.log(_RATIO))
_LOG_RATIO = math.log(_RATIO)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Summary:
    p50: float
    p95: float
    max: float
    count: int


class Histogram:
    """Counts per bin: bin 0 is [0, FLOOR), bin i ≥ 1 is [FLOOR·r^(i-1), FLOOR·r^i)."""

    __slots__ = ("_counts", "count", "high", "low")

    def __init__(self) -> None:
        # uint16: a 4-h window holds 7,200 two-second samples, far below 65,535.
        self._counts = np.zeros(_BINS, dtype=np.uint16)
        self.count = 0
        self.low = math.inf
        self.high = -math.inf

    def add(self, values: FloatArray) -> None:
        if values.size == 0:
            return
        clean = np.clip(values, 0.0, None)
        with np.errstate(divide="ignore"):
            raw = np.floor(np.log(np.maximum(clean, FLOOR) / FLOOR) / _LOG_RATIO) + 1
        bins = np.where(clean < FLOOR, 0, np.minimum(raw, _BINS - 1)).astype(np.intp)
        self._counts += np.bincount(bins, minlength=_BINS).astype(np.uint16)
        self.count += int(values.size)
        self.low = min(self.low, float(clean.min()))
        self.high = max(self.high, float(clean.max()))

    def percentile(self, p: float) -> float:
        """Nearest rank: the smallest value with at least ``p`` % of samples at or below."""
        if self.count == 0:
            return math.nan
        rank = max(1, math.ceil(p / 100 * self.count))
        index = int(np.searchsorted(np.cumsum(self._counts, dtype=np.int64), rank))
        if index == 0:
            return 0.0
        middle: float = FLOOR * _RATIO ** (index - 0.5)
        return min(max(middle, self.low), self.high)

    def summary(self) -> Summary:
        return Summary(
            p50=self.percentile(50),
            p95=self.percentile(95),
            max=self.high if self.count else math.nan,
            count=self.count,
        )
