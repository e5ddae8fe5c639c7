"""Status lines for a slow fetch, at most one every couple of seconds.

A quick fetch shows nothing; a slow one edits one status message instead of
flooding the thread (Slack also rate-limits message edits).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

Report = Callable[[str], Awaitable[None]]


class Throttle:
    """Passes a line on to ``report`` at most every ``every`` seconds, and not before."""

    def __init__(
        self, report: Report, clock: Callable[[], float] = time.monotonic, every: float = 2.0
    ) -> None:
        self._report, self._clock, self._every = report, clock, every
        self._due = clock() + every

    async def __call__(self, text: str) -> None:
        now = self._clock()
        if now >= self._due:
            self._due = now + self._every
            await self._report(text)
