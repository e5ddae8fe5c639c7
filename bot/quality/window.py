"""The analysed stretch of time, its hour-long slices, and how its times are written.

A window is half-open, [start, end): "the last 60 minutes" is 3,600 seconds, and
a slice of at most 3,600 whole seconds fits one DescribeCallDetailInfo query
(EndTime − StartTime < 1 h, i.e. at most 3,599). Times in replies are UTC, to the
minute: an interval is written from the minute it started to the first whole
minute at or after its end, so 14:05:00–14:08:58 reads "14:05–14:09".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

SLICE_S = 3600


@dataclass(frozen=True, slots=True)
class Window:
    start: int
    end: int  # exclusive

    @property
    def seconds(self) -> int:
        return self.end - self.start

    def slices(self, width: int = SLICE_S) -> list[Window]:
        return [Window(a, min(a + width, self.end)) for a in range(self.start, self.end, width)]

    def clip(self, start: int, end: int) -> Window:
        return Window(max(self.start, start), max(max(self.start, start), min(self.end, end)))

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end


def hhmm(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%H:%M")


def span(start: float, end: float) -> str:
    """``14:05–14:09``: the start's minute to the first whole minute at or after the end."""
    last = 60 * math.ceil(end / 60)
    return f"{hhmm(start)}–{hhmm(max(last, 60 * math.floor(start / 60) + 60))}"
