"""Bad intervals: runs of samples over a threshold that last long enough to matter.

A run starts at its first sample over the threshold and ends when the metric is
seen back under it (that sample's time), or one sample step after its last
sample when the series stops or has a gap there (> ``MAX_GAP_S``). Times are
whole seconds. Samples come in pieces, in time order; ``RunFinder`` carries an
open run from one piece to the next, so any split of a series gives the same
intervals as the whole series at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MAX_GAP_S = 10  # samples further apart than this never form one run
STEP_S = 2  # TRTC's sample spacing (the doc example): a run's end when none is seen

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Interval:
    start: int
    end: int
    peak: float
    mean: float

    @property
    def seconds(self) -> int:
        return self.end - self.start

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(slots=True)
class _Run:
    start: int
    last: int
    peak: float
    total: float
    count: int


class RunFinder:
    """Feed ``(times, values)`` pieces in order; ``close()`` returns the long runs."""

    def __init__(
        self,
        threshold: float,
        min_s: int,
        *,
        step_s: int = STEP_S,
        max_gap_s: int = MAX_GAP_S,
    ) -> None:
        self.threshold = threshold
        self.min_s = min_s
        self.step_s = step_s
        self.max_gap_s = max_gap_s
        self.intervals: list[Interval] = []
        self.seconds_over = 0  # every run, long or short
        self.samples_over = 0
        self._open: _Run | None = None

    def feed(self, times: IntArray, values: FloatArray) -> None:
        n = int(times.size)
        if n == 0:
            return
        over = values > self.threshold
        self.samples_over += int(np.count_nonzero(over))
        first = int(times[0])
        if self._open is not None:
            if first - self._open.last > self.max_gap_s:
                self._finish(self._open, self._open.last + self.step_s)
            elif not over[0]:
                self._finish(self._open, first)
        if not over.any():
            return
        gaps = np.diff(times) > self.max_gap_s
        starts = over & ~np.concatenate(([False], over[:-1] & ~gaps))
        lasts = over & ~np.concatenate((over[1:] & ~gaps, [False]))
        begin, finish = np.flatnonzero(starts), np.flatnonzero(lasts).tolist()
        # Between one run's last sample and the next run's start nothing is over,
        # so reductions from each start to the next start cover exactly one run.
        peaks = np.maximum.reduceat(np.where(over, values, -np.inf), begin)
        totals = np.add.reduceat(np.where(over, values, 0.0), begin)
        for s, last, peak, total in zip(begin.tolist(), finish, peaks, totals, strict=True):
            run = _Run(int(times[s]), int(times[last]), float(peak), float(total), last - s + 1)
            if s == 0 and self._open is not None:  # the piece continues the open run
                held = self._open
                run = _Run(
                    held.start,
                    run.last,
                    max(held.peak, run.peak),
                    held.total + run.total,
                    held.count + run.count,
                )
            self._open = None
            if last == n - 1:
                self._open = run
            elif gaps[last]:
                self._finish(run, run.last + self.step_s)
            else:
                self._finish(run, int(times[last + 1]))

    def close(self, until: int | None = None) -> list[Interval]:
        """End an open run (at ``until`` at the latest: the window's end)."""
        if self._open is not None:
            end = self._open.last + self.step_s
            if until is not None:
                end = max(self._open.start, min(end, until))
            self._finish(self._open, end)
        return self.intervals

    def _finish(self, run: _Run, end: int) -> None:
        self._open = None
        seconds = end - run.start
        self.seconds_over += seconds
        if seconds >= self.min_s:
            self.intervals.append(Interval(run.start, end, run.peak, run.total / run.count))


def find_intervals(
    times: IntArray, values: FloatArray, threshold: float, min_s: int
) -> list[Interval]:
    """Runs over ``threshold`` lasting at least ``min_s`` seconds, in one go."""
    finder = RunFinder(threshold, min_s)
    finder.feed(times, values)
    return finder.close()
