"""The pure analysis: interval finder, percentiles, sparklines, events, windows, purity."""

from __future__ import annotations

import ast
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.values import BadValue, parse_clock
from bot.quality import (
    DEFAULT_THRESHOLDS,
    Assessment,
    Grade,
    Histogram,
    IncidentKind,
    RoomQuality,
    RunFinder,
    UserAccumulator,
    Window,
    assess,
    find_intervals,
    pieces,
    read_events,
    span,
    verdict,
)
from bot.quality.distribution import FLOOR, RELATIVE_ERROR
from bot.quality.sparkline import sparkline
from bot.quality.thresholds import Metric
from bot.quality.window import WindowError, resolve
from bot.trtc.models import EventMessage, QualityData, UserInformation

# A series: strictly increasing whole-second times (gaps of 1-15 s) and values 0-30.
series = st.lists(
    st.tuples(st.integers(1, 15), st.floats(0, 30, allow_nan=False)), min_size=1, max_size=200
).map(
    lambda pairs: (
        np.cumsum([gap for gap, _ in pairs]).astype(np.int64),
        np.array([value for _, value in pairs], dtype=np.float64),
    )
)


def _series(peer: str, kind: str, times: list[int], values: list[float]) -> QualityData:
    return QualityData("u1", peer, kind, np.array(times, np.int64), np.array(values))


@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 40), st.floats(0, 100)), min_size=1, max_size=20),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
)
def test_downstream_loss_is_the_mean_over_peers_at_each_instant(
    peers: list[list[tuple[int, float]]], same_grid: bool
) -> None:
    """Each instant's downstream value is the mean of the peers seen then, whether all
    peers share one grid (the usual case) or not; upstream series pass through."""
    if same_grid:
        peers = [[(2 * i, v) for i, (_, v) in enumerate(peers[0])] for _ in peers]
    data = [
        _series(f"p{n}", "aLoss", *map(list, zip(*sorted(dict(pts).items()), strict=True)))
        for n, pts in enumerate(peers)
    ]
    data.append(_series("", "rtt", [1, 2], [80.0, 90.0]))
    found = {metric: (t.tolist(), v.tolist()) for metric, t, v in pieces(data)["u1"]}
    seen: dict[int, list[float]] = {}
    for series_ in data[:-1]:
        for t, v in zip(series_.times.tolist(), series_.values.tolist(), strict=True):
            seen.setdefault(t, []).append(v)
    times = sorted(seen)
    assert found[Metric.AUDIO_LOSS_DOWN][0] == times
    assert found[Metric.AUDIO_LOSS_DOWN][1] == pytest.approx(
        [sum(seen[t]) / len(seen[t]) for t in times]
    )
    assert found[Metric.RTT] == ([1, 2], [80.0, 90.0])


@settings(max_examples=200, deadline=None)
@given(series, st.lists(st.integers(0, 200), max_size=6))
def test_intervals_do_not_depend_on_how_the_series_is_split(
    data: tuple[np.ndarray, np.ndarray], cuts: list[int]
) -> None:
    """Feeding a series in any pieces gives the intervals and time over of feeding it whole."""
    times, values = data
    whole = RunFinder(5.0, 30)
    whole.feed(times, values)
    pieces = RunFinder(5.0, 30)
    edges = [0, *sorted(min(c, times.size) for c in cuts), times.size]
    for a, b in itertools.pairwise(edges):
        pieces.feed(times[a:b], values[a:b])
    split, one = pieces.close(), whole.close()
    assert [(i.start, i.end, i.peak) for i in split] == [(i.start, i.end, i.peak) for i in one]
    assert [i.mean for i in split] == pytest.approx([i.mean for i in one])
    assert pieces.seconds_over == whole.seconds_over
    assert pieces.samples_over == whole.samples_over


@settings(max_examples=200, deadline=None)
@given(series)
def test_intervals_are_long_ordered_runs_over_the_threshold(
    data: tuple[np.ndarray, np.ndarray],
) -> None:
    """Each interval lasts ≥ 30 s, holds only samples over the line, does not overlap the next,
    and cannot be stretched: the sample before it is under the line or far away."""
    times, values = data
    found = find_intervals(times, values, 5.0, 30)
    for interval in found:
        assert interval.seconds >= 30
        inside = (times >= interval.start) & (times < interval.end)
        assert inside.any() and bool(np.all(values[inside] > 5.0))
        assert interval.peak == pytest.approx(float(values[inside].max()))
        before = np.flatnonzero(times < interval.start)
        if before.size:
            last = before[-1]
            assert values[last] <= 5.0 or interval.start - times[last] > 10
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_an_interval_ends_when_the_metric_is_back_under() -> None:
    """Loss over 5 % from 300 s to 538 s (2-s samples) is the interval [300, 540)."""
    times = np.arange(0, 900, 2, dtype=np.int64)
    values = np.where((times >= 300) & (times < 540), 20.0, 0.5)
    (interval,) = find_intervals(times, values, 5.0, 30)
    assert (interval.start, interval.end, interval.peak, interval.mean) == (300, 540, 20.0, 20.0)
    # The series stops while still bad: the interval ends one 2-s step after the last sample.
    assert find_intervals(times[:200], values[:200], 5.0, 30)[0].end == 398 + 2


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(0, 5000, allow_nan=False), min_size=1, max_size=300),
    st.sampled_from([50, 95, 100]),
)
def test_percentiles_are_within_half_a_bin(values: list[float], p: int) -> None:
    """The histogram's p50/p95/max are the nearest-rank percentiles to within 1 %
    (or 0.01 near zero): constant memory costs no visible precision."""
    histogram = Histogram()
    histogram.add(np.array(values[: len(values) // 2]))
    histogram.add(np.array(values[len(values) // 2 :]))
    exact = sorted(values)[max(1, math.ceil(p / 100 * len(values))) - 1]
    got = histogram.percentile(p)
    assert abs(got - exact) <= max(FLOOR, exact * RELATIVE_ERROR) + 1e-9
    assert histogram.summary().max == max(values)


def test_sparkline_shows_peaks_and_gaps() -> None:
    """The worst moment of each cell is shown, on a scale from zero; no data is a space."""
    values = np.array([0.0, 0.0, 10.0, 10.0, np.nan, np.nan, 5.0, 5.0])
    assert sparkline(values, width=4) == "▁█ ▅"
    assert sparkline(values, width=4, top=20.0) == "▁▅ ▃"
    assert sparkline(np.array([]), width=4) == ""


def test_events_become_plain_incidents() -> None:
    """Network type changes read "switched Wi-Fi → 4G"; 7001/1 is an abnormal exit, with the
    timeout just before it folded in; a camera failure is a device error."""

    def event(ms: int, eid: int, one: int = -1) -> EventMessage:
        return EventMessage(time=ms, event_id=eid, param_one=one)

    story = read_events(
        [
            event(1_000_000, 1003, 1),
            event(1_060_000, 4002, 0),
            event(1_120_000, 1003, 0),
            event(1_121_500, 1003, 2),
            event(1_700_000, 5005),
            event(1_710_000, 7001, 1),
        ]
    )
    kinds = [(i.at, i.kind, i.words) for i in story.incidents]
    assert kinds == [
        (1060, IncidentKind.DEVICE_ERROR, "camera failed to open: front"),
        (1121, IncidentKind.NETWORK_SWITCH, "switched Wi-Fi → 4G"),
        (1710, IncidentKind.ABNORMAL_EXIT, "dropped out"),
    ]
    assert story.network_at(1100) == "Wi-Fi" and story.network_at(1200) == "4G"
    assert story.abnormal_exit is not None and story.abnormal_exit.detail == "connection timed out"


def test_windows_slice_into_hours_and_read_to_the_minute() -> None:
    """60 minutes is one slice (< 1 h per query), 61 two; spans round to the minute."""
    assert len(Window(0, 3600).slices()) == 1
    assert [w.seconds for w in Window(0, 3660).slices()] == [3600, 60]
    assert span(14 * 3600 + 300, 14 * 3600 + 538) == "14:05–14:09"
    assert span(14 * 3600 + 340, 14 * 3600 + 580) == "14:06–14:10"  # four minutes read four
    assert span(60, 60) == "00:01–00:02"


def test_values_are_shown_in_their_units() -> None:
    """Loss below 10 % keeps a decimal, RTT is in ms, CPU is whole percent."""
    assert Metric.AUDIO_LOSS_UP.show(0.42) == "0.4%"
    assert Metric.AUDIO_LOSS_UP.show(2.0) == "2%"
    assert Metric.VIDEO_LOSS_DOWN.show(18.4) == "18%"
    assert Metric.RTT.show(331.6) == "332 ms"
    assert Metric.CPU.show(95.2) == "95%"


def test_clock_times_parse_as_utc_minutes() -> None:
    """HH:MM (one or two hour digits) is minutes after midnight; anything else is refused."""
    assert parse_clock("14:02") == 14 * 60 + 2
    assert parse_clock("9:05") == 9 * 60 + 5
    for bad in ("24:00", "14:60", "1402", "١٤:٠٢", "14:2"):
        with pytest.raises(BadValue):
            parse_clock(bad)


def test_the_analysis_is_pure() -> None:
    """bot/quality imports no Slack, aiohttp, network or database code, no command, no
    adapter and nothing of the core (the fetch is handed its client)."""
    forbidden = ("slack_bolt", "slack_sdk", "aiohttp", "socket", "sqlalchemy", "requests")
    folder = Path(__file__).parents[2] / "bot" / "quality"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(forbidden), f"{path.name} imports {name}"
                assert not name.startswith(("bot.core", "bot.slack", "bot.store")), path.name
                top = ("commands", "bot.callbacks", "bot.console", "bot.app")
                assert not any(name == t or name.startswith(t + ".") for t in top), path.name


def _user(user_id: str, series: dict[Metric, np.ndarray], *, start: int = 0) -> Assessment:
    """A user with 2-s samples from ``start`` for ten minutes, graded."""
    window = Window(start, start + 600)
    times = np.arange(start, start + 600, 2, dtype=np.int64)
    info = UserInformation(user_id=user_id, join_ts=start, device_type="ios", sdk_version="11.8.0")
    state = UserAccumulator(info, window, DEFAULT_THRESHOLDS, [window])
    state.deliver(0, [(metric, times, values) for metric, values in series.items()])
    return assess(state.finish())


def test_grades_follow_the_console_lines() -> None:
    """Good under the lines; degraded when poor in short bursts (≥ 5 % of the time) or
    mediocre throughout (median over "good"); bad for a run over "poor" of 30 s or more."""
    calm = np.full(300, 0.5)
    bursts = calm.copy()
    bursts[::10] = 8.0  # one sample in ten over 5 %: never 30 s in a row
    long = calm.copy()
    long[100:120] = 12.0  # 40 s over 5 %
    assert _user("a", {Metric.AUDIO_LOSS_UP: calm}).grade is Grade.GOOD
    often = _user("b", {Metric.AUDIO_LOSS_UP: bursts})
    assert often.grade is Grade.DEGRADED
    assert often.findings[0].words.startswith("upstream audio loss often poor (10% of the time")
    mediocre = _user("c", {Metric.RTT: np.full(300, 200.0)})
    assert mediocre.grade is Grade.DEGRADED
    assert "round-trip time mediocre throughout (median 200 ms)" in mediocre.line()
    bad = _user("d", {Metric.AUDIO_LOSS_UP: long, Metric.VIDEO_LOSS_UP: long})
    assert bad.grade is Grade.BAD
    assert bad.line() == (
        "d — 12% upstream audio and video loss 00:03–00:04 (likely their uplink), iOS, SDK 11.8"
    )


def test_a_problem_most_users_share_is_called_room_wide() -> None:
    """Four of five users losing downstream audio at the same minutes: not four networks."""
    lossy = np.full(300, 0.3)
    lossy[60:150] = 9.0
    users = [_user(f"u{n}", {Metric.AUDIO_LOSS_DOWN: lossy}) for n in range(4)]
    room = RoomQuality("1234", Window(0, 600), tuple(users), fine=1)
    assert verdict(room) == (
        "Room 1234: room-wide downstream audio loss for 4 of 5 users 00:02–00:05 UTC — "
        "likely TRTC's side or a network they share."
    )
    single = RoomQuality("1234", Window(0, 600), tuple(users[:1]), fine=4)
    assert verdict(single).startswith("Room 1234: 1 of 5 users had bad quality 00:00–00:10 UTC")


def test_from_and_to_are_the_latest_such_times_in_utc() -> None:
    """--from is the latest such moment (yesterday's if today's is to come), --to before it
    means the next day, and nothing runs past now."""
    now = 10 * 86400 + 1 * 3600 + 45 * 60  # day 10, 01:45 UTC

    def window(**kw: int | None) -> Window:
        asked = {"since": None, "start_at": None, "end_at": None} | kw
        return resolve(now, default_s=1800, max_s=4 * 3600, lookback_s=14 * 86400, **asked)

    assert window() == Window(now - 1800, now)
    assert window(start_at=60, end_at=90) == Window(now - 45 * 60, now - 15 * 60)
    assert window(start_at=23 * 60, end_at=60) == Window(now - 165 * 60, now - 45 * 60)
    assert window(start_at=60, end_at=120) == Window(now - 45 * 60, now)  # --to is to come
    with pytest.raises(WindowError, match="at most 4 h"):
        window(start_at=20 * 60)  # yesterday 20:00 until now: 5 h 45 min
    with pytest.raises(WindowError, match="less than a minute ago"):
        window(start_at=105)
