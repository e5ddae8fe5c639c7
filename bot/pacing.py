"""How often one key may be used: a TRTC rate counter, a Slack channel.

A ``Pacer`` waits until the key may be used once more. ``LocalPacer`` counts in this
process; ``bot.store.paces.SharedPacer`` counts in the database the
replicas share, so that N replicas together stay under one limit and an idle
replica's share goes to a busy one instead of a static 1/N split.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Pace:
    """``rate`` uses per second, of which ``burst`` may go back to back."""

    rate: float
    burst: int = 1
    least: float = 0.0  # seconds: no two uses closer than this, however late one left

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a pace needs a positive rate and a burst of at least 1")
        if not 0 <= self.least <= self.interval:
            raise ValueError("a pace's least spacing is between 0 and its interval")

    @property
    def interval(self) -> float:
        """Seconds between uses once the burst is spent."""
        return 1.0 / self.rate

    @property
    def tolerance(self) -> float:
        """How far ahead of the even schedule a burst may run (GCRA's tau)."""
        return (self.burst - 1) * self.interval


class Pacer(Protocol):
    pace: Pace

    async def wait(self, key: str) -> None:
        """Return when ``key`` may be used once (that use is then counted)."""


class _Key:
    """One key's schedule: its next theoretical moment (GCRA) and when it was last used."""

    __slots__ = ("last", "tat", "turn")

    def __init__(self) -> None:
        self.turn = asyncio.Lock()  # waiters of a key leave in the order they asked
        self.tat = float("-inf")
        self.last = float("-inf")


class LocalPacer:
    """GCRA per key in this process, the rule the shared pacer applies in the database
    (``bot.store.paces``): a use leaves at its moment in an even schedule, and the next
    moment follows from the schedule, not from when the loop got round to waking the
    waiter. A bucket that leaks from the actual wake-up (aiolimiter's) loses each late
    wake-up for good: beside a thread decoding TRTC answers, 19 requests/s became 18.
    ``Pace.least`` still keeps any two uses that far apart, however late one left.
    Idle keys are forgotten beyond ``max_keys`` (a channel not posted to for a while
    needs no memory)."""

    def __init__(
        self,
        pace: Pace,
        *,
        max_keys: int = 2048,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pace = pace
        self._max_keys = max_keys
        self._sleep = sleep
        self._clock = clock
        self._keys: OrderedDict[str, _Key] = OrderedDict()

    def _key(self, key: str) -> _Key:
        state = self._keys.pop(key, None) or _Key()
        self._keys[key] = state
        if len(self._keys) > self._max_keys:
            oldest = next(iter(self._keys.values()))
            if not oldest.turn.locked():
                self._keys.popitem(last=False)
        return state

    async def wait(self, key: str) -> None:
        state = self._key(key)
        async with state.turn:
            now = self._clock()
            leave = max(state.tat - self.pace.tolerance, state.last + self.pace.least, now)
            if leave > now:
                await self._sleep(leave - now)
            state.tat = max(state.tat, leave) + self.pace.interval
            state.last = max(self._clock(), leave)
