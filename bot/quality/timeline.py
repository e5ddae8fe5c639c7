"""A series reduced to per-bucket maxima over the analysis window, in constant memory.

Enough for a sparkline or a chart (the worst moment of each bucket stays
visible) without keeping 2-s samples: at most ``BUCKETS`` floats per metric.
Buckets with no sample hold NaN, so a user who left shows as a gap.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

BUCKETS = 240

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Timeline:
    __slots__ = ("bucket_s", "maxima", "start")

    def __init__(self, start: int, end: int, buckets: int = BUCKETS) -> None:
        span = max(1, end - start)
        self.start = start
        self.bucket_s = max(1, math.ceil(span / buckets))
        self.maxima = np.full(math.ceil(span / self.bucket_s), np.nan, dtype=np.float32)

    def add(self, times: IntArray, values: FloatArray) -> None:
        index = (times - self.start) // self.bucket_s
        keep = (index >= 0) & (index < self.maxima.size)
        np.fmax.at(self.maxima, index[keep], values[keep].astype(np.float32))

    def times(self) -> IntArray:
        """Each bucket's start (Unix seconds)."""
        return self.start + np.arange(self.maxima.size, dtype=np.int64) * self.bucket_s

    def values(self) -> FloatArray:
        return self.maxima.astype(np.float64)
