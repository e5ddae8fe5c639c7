"""The local pacer keeps its schedule when the loop wakes a waiter late, and never lets
two uses closer than ``Pace.least``: no one-second window holds more than the limit.

A fake clock stands in for time: each sleep wakes as late as the test says (the event
loop busy with something else), so the figures are exact, not timings."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pacing import LocalPacer, Pace
from bot.trtc.transport import trtc_pace

LIMIT = 20


class LateClock:
    """Time that moves only by sleeping; the n-th sleep ends ``late[n]`` after its moment."""

    def __init__(self, late: Iterator[float]) -> None:
        self.now = 1000.0
        self._late = late

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + next(self._late, 0.0)
        await asyncio.sleep(0)


async def _uses(pacer: LocalPacer, clock: LateClock, n: int, key: str = "k") -> list[float]:
    """When each of ``n`` uses asked together left, in the order they asked."""
    left: list[float] = []

    async def one() -> None:
        await pacer.wait(key)
        left.append(clock())

    await asyncio.gather(*(one() for _ in range(n)))
    return left


def _busiest_second(moments: list[float]) -> int:
    return max(sum(1 for m in moments if start <= m < start + 1) for start in moments)


async def test_a_late_wake_up_does_not_push_the_schedule_back() -> None:
    """Each waiter wakes 2 ms late (a thread held the GIL): within the headroom, so 58
    requests take 57 intervals of the paced rate, not 57 × (interval + 2 ms)."""
    pace = trtc_pace(LIMIT)
    clock = LateClock(iter([0.002] * 100))
    left = await _uses(LocalPacer(pace, sleep=clock.sleep, clock=clock), clock, 58)
    assert left[-1] - left[0] == pytest.approx(57 * pace.interval, abs=0.003)
    # aiolimiter's bucket leaked from the late wake-up: 57 × 54.5 ms, 0.11 s more.
    assert left[-1] - left[0] < 57 * (pace.interval + 0.002) - 0.1


async def test_two_uses_are_never_closer_than_the_limit_allows() -> None:
    """One waiter wakes 40 ms late; the next, due 12.5 ms after it, waits out the
    limit's own spacing (50 ms) rather than leave right behind it."""
    pace = trtc_pace(LIMIT)
    clock = LateClock(iter([0.0, 0.04, 0.0, 0.0]))
    left = await _uses(LocalPacer(pace, sleep=clock.sleep, clock=clock), clock, 5)
    gaps = [b - a for a, b in itertools.pairwise(left)]
    assert min(gaps) >= 1 / LIMIT - 1e-9
    assert gaps[2] == pytest.approx(1 / LIMIT)  # right after the late one: the least gap


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 0.3), min_size=1, max_size=80))
def test_no_second_ever_holds_more_than_the_limit(late: list[float]) -> None:
    """However late any wake-up (up to 300 ms, a stalled loop), whatever the order."""
    pace = trtc_pace(LIMIT)

    async def run() -> list[float]:
        clock = LateClock(iter(late))
        return await _uses(LocalPacer(pace, sleep=clock.sleep, clock=clock), clock, 60)

    left = asyncio.run(run())
    assert len(left) == 60
    assert _busiest_second(left) <= LIMIT


async def test_a_burst_goes_at_once_then_the_rate() -> None:
    """Slack's channel pace: ``burst`` back to back after a quiet spell, then the rate."""
    clock = LateClock(iter([]))
    pace = Pace(1.0, burst=3)
    left = await _uses(LocalPacer(pace, sleep=clock.sleep, clock=clock), clock, 5)
    assert left[:3] == [1000.0] * 3
    assert left[3:] == [pytest.approx(1001.0), pytest.approx(1002.0)]


async def test_keys_are_paced_apart_and_a_cancelled_waiter_takes_no_slot() -> None:
    clock = LateClock(iter([]))
    pacer = LocalPacer(Pace(10.0), sleep=clock.sleep, clock=clock)
    await pacer.wait("a")
    await pacer.wait("b")  # another key: at once
    assert clock() == 1000.0
    waiter = asyncio.ensure_future(pacer.wait("a"))
    await asyncio.sleep(0)
    waiter.cancel()  # before its sleep ended: "a" keeps its schedule
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await pacer.wait("a")
    assert clock() == pytest.approx(1000.1)


def test_a_least_spacing_beyond_the_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="least spacing"):
        Pace(20.0, least=0.1)
