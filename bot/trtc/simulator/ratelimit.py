"""TRTC's per-API frequency limit: at most N admitted requests in any 1-second window.

What one window counts (each action, each action and SdkAppId, or the whole account)
is the simulator's ``rate_limit_scope``; the key is ``transport.rate_key``, the same
one the client paces on.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


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

    def admit(self, key: str) -> int | None:
        """None if admitted, else how many requests the window would hold with this one."""
        now = self._monotonic()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        if len(seen) >= self.limit:
            return len(seen) + 1
        seen.append(now)
        return None
