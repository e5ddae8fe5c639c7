"""The analysed stretch of time, its hour-long slices, and how its times are written.

A window is half-open, [start, end): "the last 60 minutes" is 3,600 seconds, and
a slice of at most 3,600 whole seconds fits one DescribeCallDetailInfo query
(EndTime − StartTime < 1 h, i.e. at most 3,599). Times in replies are UTC, to the
minute: both ends are rounded to the nearest minute (and the end is at least a
minute after the start), so a four-minute problem reads as four minutes,
14:05:40–14:09:40 as "14:06–14:10".
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
    """``14:05–14:09``: each end rounded to the nearest minute, at least a minute apart."""
    first = 60 * math.floor(start / 60 + 0.5)
    last = max(60 * math.floor(end / 60 + 0.5), first + 60)
    return f"{hhmm(first)}–{hhmm(last)}"
