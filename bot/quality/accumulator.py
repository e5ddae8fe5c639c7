"""One user's metrics, folded in response by response and then summarised.

DescribeCallDetailInfo answers for six users and at most an hour at a time;
``pieces()`` splits one answer (series already as arrays, times ascending) into
per-user series (downstream loss averaged over peers), and a ``UserAccumulator``
folds them into constant-size state: a histogram, a run finder and a timeline
per metric. Answers for different slices of the window may arrive in any order,
so a user's pieces are held until every earlier slice has arrived (or failed),
keeping the run finder's time order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.quality.distribution import FloatArray, Histogram, Summary
from bot.quality.incidents import Story
from bot.quality.intervals import IntArray, Interval, RunFinder
from bot.quality.thresholds import METRIC_OF, Metric, Thresholds
from bot.quality.timeline import Timeline
from bot.quality.window import Window
from bot.trtc.models import QualityData, UserInformation

Piece = tuple[Metric, IntArray, FloatArray]


@dataclass(frozen=True, slots=True)
class MetricResult:
    metric: Metric
    summary: Summary
    intervals: tuple[Interval, ...]  # runs over "poor" of at least min_bad_s
    seconds_over: int  # over "poor", runs of any length
    share_over: float  # fraction of samples over "poor"
    timeline: Timeline | None


@dataclass(frozen=True, slots=True)
class UserQuality:
    info: UserInformation
    window: Window
    metrics: Mapping[Metric, MetricResult]
    story: Story | None = None  # None: events not read (the user looked fine)
    missing_s: int = 0  # seconds of the window whose metrics could not be fetched

    @property
    def user_id(self) -> str:
        return self.info.user_id

    @property
    def presence(self) -> Window:
        """The part of the window this user was in the call."""
        left = self.info.leave_ts if self.info.finished else self.window.end
        return self.window.clip(self.info.join_ts, left or self.window.end)

    def with_story(self, story: Story) -> UserQuality:
        return replace(self, story=story)

    def without_timelines(self) -> UserQuality:
        """What is kept of a user who was fine: the numbers, not the curves."""
        slim = {m: replace(r, timeline=None) for m, r in self.metrics.items()}
        return replace(self, metrics=slim)


class _MetricState:
    __slots__ = ("finder", "histogram", "timeline")

    def __init__(self, window: Window, threshold: float | None, min_s: int) -> None:
        self.histogram = Histogram()
        self.timeline = Timeline(window.start, window.end)
        self.finder = RunFinder(threshold, min_s) if threshold is not None else None


@dataclass
class UserAccumulator:
    info: UserInformation
    window: Window
    thresholds: Thresholds
    slices: Sequence[Window]  # this user's slices, in time order
    _next: int = 0
    _held: dict[int, Sequence[Piece] | None] = field(default_factory=dict)
    _states: dict[Metric, _MetricState] = field(default_factory=dict)
    _missing_s: int = 0

    @property
    def complete(self) -> bool:
        return self._next == len(self.slices)

    def deliver(self, index: int, pieces: Sequence[Piece] | None) -> None:
        """Slice ``index``'s series for this user; None when that fetch failed."""
        self._held[index] = pieces
        while self._next in self._held:
            held = self._held.pop(self._next)
            if held is None:
                piece = self.slices[self._next]
                self._missing_s += piece.seconds
            else:
                for metric, times, values in held:
                    self._add(metric, times, values)
            self._next += 1

    def _add(self, metric: Metric, times: IntArray, values: FloatArray) -> None:
        # Times ascend (see ``pieces``): the window is a slice, not a copy.
        first, stop = np.searchsorted(times, (self.window.start, self.window.end)).tolist()
        times, values = times[first:stop], values[first:stop]
        if times.size == 0:
            return
        state = self._states.get(metric)
        if state is None:
            limits = self.thresholds.of(metric)
            poor = None if limits is None else limits.poor
            state = _MetricState(self.window, poor, self.thresholds.min_bad_s)
            self._states[metric] = state
        state.histogram.add(values)
        state.timeline.add(times, values)
        if state.finder is not None:
            state.finder.feed(times, values)

    def finish(self) -> UserQuality:
        results: dict[Metric, MetricResult] = {}
        for metric, state in self._states.items():
            finder = state.finder
            summary = state.histogram.summary()
            over = finder.samples_over / summary.count if finder and summary.count else 0.0
            intervals = tuple(finder.close(until=self.window.end)) if finder else ()
            results[metric] = MetricResult(
                metric=metric,
                summary=summary,
                intervals=intervals,
                seconds_over=finder.seconds_over if finder else 0,
                share_over=over,
                timeline=state.timeline,
            )
        self._states.clear()
        return UserQuality(self.info, self.window, results, missing_s=self._missing_s)


def pieces(data: Iterable[QualityData]) -> dict[str, list[Piece]]:
    """One answer's series per user, times ascending (as ``QualityData`` keeps them);
    downstream series averaged over peers per instant."""
    out: dict[str, list[Piece]] = {}
    downstream: dict[tuple[str, Metric], list[tuple[IntArray, FloatArray]]] = {}
    for series in data:
        metric = METRIC_OF.get((series.data_type, series.upstream))
        if metric is None or series.times.size == 0:
            continue
        if series.upstream:
            out.setdefault(series.user_id, []).append((metric, series.times, series.values))
        else:
            downstream.setdefault((series.user_id, metric), []).append(
                (series.times, series.values)
            )
    for (user_id, metric), parts in downstream.items():
        out.setdefault(user_id, []).append((metric, *_mean_over_peers(parts)))
    return out


def _mean_over_peers(parts: list[tuple[IntArray, FloatArray]]) -> tuple[IntArray, FloatArray]:
    if len(parts) == 1:
        return parts[0]
    first = parts[0][0]
    if all(np.array_equal(times, first) for times, _ in parts[1:]):
        # The usual case, every peer on the receiver's grid: the same sums, in the
        # same order, as the general path below, without sorting.
        total = np.zeros(first.size)
        for _, values in parts:
            total += values
        return first, total / len(parts)
    times = np.concatenate([t for t, _ in parts])
    values = np.concatenate([v for _, v in parts])
    unique, inverse = np.unique(times, return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=unique.size)
    counts = np.bincount(inverse, minlength=unique.size)
    return unique.astype(np.int64), sums / np.maximum(counts, 1)
