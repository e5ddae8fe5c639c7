"""The client's pacer: every call at the general pace, an action TRTC documents slower
(the usage statistics: 5/s, one per 15 s) at its own pace as well.

``bot.pacing`` paces keys; which pace a TRTC action gets is TRTC's fact
(``limits.requests_per_second``), so it is decided here, per action, and each slower
action gets a pacer of its own from ``make`` — local to this process, or shared by the
replicas through the database (``bot.app.backend.trtc_pacer``), like the general one.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.pacing import Pace, Pacer
from bot.trtc import limits

# (requests per second, the action's name or "" for the general pace) → a pacer.
Make = Callable[[float, str], Pacer]


class ActionPacer:
    """A ``Pacer`` whose ``wait`` is the general pace; ``wait_for`` adds an action's own."""

    def __init__(self, rate_limit: float, make: Make) -> None:
        self._rate = rate_limit
        self._make = make
        self._general = make(rate_limit, "")
        self.pace: Pace = self._general.pace
        self._slower: dict[str, Pacer | None] = {}

    async def wait(self, key: str) -> None:
        await self._general.wait(key)

    async def wait_for(self, key: str, action: str) -> None:
        """Return when ``action`` may be sent, counted on ``key`` (``transport.rate_key``)."""
        await self._general.wait(key)
        if action not in self._slower:
            rate = limits.requests_per_second(action, self._rate)
            self._slower[action] = self._make(rate, action) if rate < self._rate else None
        slower = self._slower[action]
        if slower is not None:
            await slower.wait(key)


async def pace_call(pacer: Pacer, key: str, action: str) -> None:
    """Wait until ``action`` may leave: at its own pace when the pacer knows actions."""
    if isinstance(pacer, ActionPacer):
        await pacer.wait_for(key, action)
    else:
        await pacer.wait(key)
