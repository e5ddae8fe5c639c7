"""TRTC's per-API frequency limit: at most N admitted requests in any 1-second window.

What one window counts (each action, each action and SdkAppId, or the whole account)
is the simulator's ``rate_limit_scope``; the key is ``transport.rate_key``, the same
one the client paces on.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.trtc import limits


class SlidingWindow:
    """Counts admitted requests per key over the last ``window_s`` (monotonic time,
    so a test's frozen wall clock does not freeze the limit)."""

    def __init__(
        self,
        limit: int,
        *,
        window_s: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1 request per window")
        self.limit = limit
        self.window_s = window_s
        self._monotonic = monotonic
        self._seen: dict[str, deque[float]] = {}

    def admit(self, key: str, limit: int | None = None) -> int | None:
        """None if admitted, else how many requests the window would hold with this one.
        ``limit``: this key's own, when lower than the general one (usage actions: 5)."""
        now = self._monotonic()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        if len(seen) >= (limit or self.limit):
            return len(seen) + 1
        seen.append(now)
        return None

    def admit_call(self, key: str, action: str) -> tuple[int, int] | None:
        """``admit`` for one call of ``action`` counted on ``key``, and on the action's own
        counter where TRTC documents it slower (usage: 5/s); None if admitted, else (how
        many the window would hold, the limit it exceeds)."""
        if (count := self.admit(key)) is not None:
            return count, self.limit
        cap = int(limits.requests_per_second(action, self.limit))
        # Below one a second (DescribeTrtcRoomUsage: one per 15 s) is the action's own rule.
        if 1 <= cap < self.limit and (count := self.admit(f"{action}@{key}", cap)) is not None:
            return count, cap
        return None


def limit_message(count: int, limit: int) -> str:
    """TRTC's words for a request over the limit (RequestLimitExceeded)."""
    return (
        f"Your current request times equals to `{count}` in a second, which exceeds "
        f"the frequency limit `{limit}` for a second. Please reduce the frequency of calls."
    )
