"""Answers lost after the change: the write is applied, then the caller hears nothing
useful — the connection drops, the answer comes too late, or ``InternalError``.

Real TRTC does this now and then; a client that re-sends a write after it would
repeat a kick or be told a dismissal failed when the room is gone. The simulator
does it at chosen rates (``--lost-answers``) or when a test scripts it (``lose_next``).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from enum import StrEnum


class LostAnswer(StrEnum):
    DROP = "drop"  # the connection closes without an answer
    TIMEOUT = "timeout"  # the answer comes after the caller has given up
    INTERNAL_ERROR = "internal_error"  # InternalError, though the change was made


@dataclass(frozen=True)
class LostAnswers:
    """The fraction of applied writes whose answer is lost, per way of losing it."""

    drop: float = 0.0
    timeout: float = 0.0
    internal_error: float = 0.0

    def __post_init__(self) -> None:
        rates = (self.drop, self.timeout, self.internal_error)
        if any(not 0.0 <= r <= 1.0 for r in rates) or sum(rates) > 1.0:
            raise ValueError(
                f"lost-answer rates must be within [0, 1] and add up to 1 at most: {self}"
            )

    @classmethod
    def parse(cls, text: str) -> LostAnswers:
        """``drop=0.01,timeout=0.01,internal_error=0.02`` (any subset)."""
        rates: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            if not sep or name.strip() not in {h.value for h in LostAnswer}:
                raise ValueError(
                    f"{part!r}: write HOW=RATE with HOW one of drop, timeout, internal_error"
                )
            try:
                rates[name.strip()] = float(value)
            except ValueError:
                raise ValueError(f"{part!r}: the rate must be a number from 0 to 1") from None
        return cls(**rates)

    def pick(self, rng: random.Random) -> LostAnswer | None:
        draw = rng.random()
        for how, rate in (
            (LostAnswer.DROP, self.drop),
            (LostAnswer.TIMEOUT, self.timeout),
            (LostAnswer.INTERNAL_ERROR, self.internal_error),
        ):
            if draw < rate:
                return how
            draw -= rate
        return None


class Losses:
    """The answers to lose: those queued per action (``Simulator.lose_next``) first,
    else at the configured rates."""

    def __init__(self, rates: LostAnswers, seed: int) -> None:
        self._queued: dict[str, deque[LostAnswer]] = {}
        self._rng = random.Random(f"{seed}|lost")
        self._rates = rates

    def queue(self, action: str, how: LostAnswer, times: int) -> None:
        self._queued.setdefault(action, deque()).extend([how] * times)

    def next(self, action: str) -> LostAnswer | None:
        """How ``action``'s answer is lost this time (only writes lose theirs)."""
        if action.startswith("Describe"):
            return None
        queue = self._queued.get(action)
        if queue:
            return queue.popleft()
        return self._rates.pick(self._rng)
