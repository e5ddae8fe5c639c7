"""Clocks that move only when a test moves them (the core and adapters take a clock)."""

from __future__ import annotations

import time


class Clock:
    """Wall-clock seconds, starting now; TRTC signing keeps real time regardless."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Still(Clock):
    """A monotonic clock that stands at 1000 s until a test moves it."""

    def __init__(self) -> None:
        super().__init__(1000.0)
