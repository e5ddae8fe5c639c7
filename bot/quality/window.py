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
DAY_S = 86400


class WindowError(ValueError):
    """A window that cannot be asked for; the message says what to ask instead."""


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


def resolve(
    now: float,
    *,
    since: int | None,
    start_at: int | None,
    end_at: int | None,
    default_s: int,
    max_s: int,
    lookback_s: int,
) -> Window:
    """``--since`` seconds, or ``--from``/``--to`` as minutes after midnight UTC: the
    latest such moment (yesterday's if today's is still to come), a ``--to`` at or
    before ``--from`` on the next day, and never past ``now``."""
    current = int(now)
    if since is not None and (start_at is not None or end_at is not None):
        raise WindowError("Use either --since or --from/--to, not both.")
    if end_at is not None and start_at is None:
        raise WindowError("--to needs --from: e.g. --from 14:00 --to 14:30 (UTC).")
    if start_at is None:
        window = Window(current - (since or default_s), current)
    else:
        start = current - current % DAY_S + start_at * 60
        start -= DAY_S if start > current else 0
        end = current
        if end_at is not None:
            end = start - start % DAY_S + end_at * 60
            end += DAY_S if end <= start else 0
        window = Window(start, min(end, current))
        if window.seconds < 60:
            raise WindowError(f"{hhmm(start)} UTC is less than a minute ago: widen the window.")
    if window.start < current - lookback_s:
        raise WindowError(
            f"TRTC keeps call history for {lookback_s // DAY_S} days; "
            f"{(current - window.start) // DAY_S} days ago is beyond it. "
            f"Ask for a window within the last {lookback_s // DAY_S} days."
        )
    if window.seconds > max_s:
        raise WindowError(
            f"{window.seconds // 60:,} minutes is more than `quality` reads at once: at most "
            f"{max_s // 3600} h, TRTC's limit for listing one call's users. Narrow it, e.g. "
            "--from 14:00 --to 16:00 (UTC)."
        )
    return window


def hhmm(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%H:%M")


def span(start: float, end: float) -> str:
    """``14:05–14:09``: each end rounded to the nearest minute, at least a minute apart."""
    first = 60 * math.floor(start / 60 + 0.5)
    last = max(60 * math.floor(end / 60 + 0.5), first + 60)
    return f"{hhmm(first)}–{hhmm(last)}"
