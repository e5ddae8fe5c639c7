"""How often one key may be used: a TRTC rate counter, a Slack channel.

A ``Pacer`` waits until the key may be used once more. ``LocalPacer`` counts in this
process (aiolimiter); ``bot.store.paces.SharedPacer`` counts in the database the
replicas share, so that N replicas together stay under one limit and an idle
replica's share goes to a busy one instead of a static 1/N split.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from aiolimiter import AsyncLimiter


@dataclass(frozen=True)
class Pace:
    """``rate`` uses per second, of which ``burst`` may go back to back."""

    rate: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a pace needs a positive rate and a burst of at least 1")

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


class LocalPacer:
    """One leaky bucket per key in this process; idle keys are forgotten beyond
    ``max_keys`` (a channel not posted to for a while needs no memory)."""

    def __init__(self, pace: Pace, *, max_keys: int = 2048) -> None:
        self.pace = pace
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, AsyncLimiter] = OrderedDict()

    def _bucket(self, key: str) -> AsyncLimiter:
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = AsyncLimiter(self.pace.burst, self.pace.burst / self.pace.rate)
            if len(self._buckets) >= self._max_keys:
                self._buckets.popitem(last=False)
        self._buckets[key] = bucket
        return bucket

    async def wait(self, key: str) -> None:
        await self._bucket(key).acquire()
