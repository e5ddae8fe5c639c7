"""Work that runs after Slack has been answered: tracked, logged, drained.

Listeners acknowledge and return; what the payload asks for runs here as a
task. Acks come first: while a burst of requests is still arriving, new work
is held back (until no request is being answered — ``answering`` — and
``QUIET_S`` passes without one, at most ``HOLD_MAX_S``), so an ack never
queues behind the work of the requests before it. On a busy machine the
process is often descheduled for longer than ``QUIET_S`` mid-burst: the gap
alone let work start among the acks and double their time. Work is queued
per Slack user, at most ``PER_USER`` at a time: one person's flood waits
behind itself, never ahead of someone else's click (the channel's post
pacing and the database are shared, first come first served).
Held work waits on one shared watch of the burst, not a timer each: 200
held tasks polling every ``QUIET_S`` cost the acks of the same burst CPU.
Over HTTP even making the work (reading the payload, a task for it) waits for
the burst's end (``after_burst``): done per request, it was a quarter of the
time each ack took to send once its claim was written (bench/ack_latency.py).
A task's exception is logged, never lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

QUIET_S = 0.02  # a gap this long between requests ends a burst
HOLD_MAX_S = 1.0  # however long the burst, work waits no longer than this
PER_USER = 2  # one user's work running at once; the rest of theirs waits its turn


class _Lane:
    """One user's queue: a semaphore (FIFO) and how much work is in it."""

    def __init__(self) -> None:
        self.turns = asyncio.Semaphore(PER_USER)
        self.queued = 0


class Tasks:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._running: set[asyncio.Task[Any]] = set()
        self._last_request = float("-inf")
        self._lanes: dict[str, _Lane] = {}
        self._quiet: asyncio.Future[None] | None = None  # the burst's watch, while one runs
        self._answering = 0  # requests read and not yet answered (HTTP mode)
        self._held: list[Callable[[], object]] = []  # ``after_burst``'s, in arrival order

    def arrived(self) -> None:
        """A Slack request is being acknowledged."""
        self._last_request = self._monotonic()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Around one HTTP request from Slack, from its first byte to its answer."""
        self._answering += 1
        self.arrived()
        try:
            yield
        finally:
            self._answering -= 1
            self.arrived()

    def after_ack(self, work: Coroutine[Any, Any, Any], *, user: str | None = None) -> None:
        """Run a payload's work once the burst it came in has been acknowledged,
        in ``user``'s queue (work of no known user runs at once)."""
        lane = None
        if user is not None:
            lane = self._lanes.setdefault(user, _Lane())
            lane.queued += 1

        async def settled_then() -> Any:
            if lane is None:
                await self._settled()
                return await work
            try:
                async with lane.turns:
                    await self._settled()
                    return await work
            finally:
                lane.queued -= 1
                if lane.queued == 0 and self._lanes.get(user or "") is lane:
                    del self._lanes[user or ""]

        self.spawn(settled_then())

    def after_burst(self, start: Callable[[], object]) -> None:
        """Call ``start`` (which hands work to ``after_ack``) once the burst is over;
        at once when there is none. Calls keep their order."""
        if self._quiet_now():
            start()
            return
        self._held.append(start)
        if len(self._held) == 1:
            self.spawn(self._release())

    async def _release(self) -> None:
        await self._settled()
        held, self._held = self._held, []
        for start in held:
            try:
                start()
            except Exception:
                log.exception("Slack follow-up work could not start")

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._finished)

    async def drain(self, settle: float = 0.05) -> None:
        """Until no work is left (tests, shutdown); new work may appear while waiting."""
        while True:
            await asyncio.sleep(settle)  # a request Bolt is answering gets to spawn its work
            if not self._running:
                return
            await asyncio.gather(*list(self._running), return_exceptions=True)

    def _quiet_now(self) -> bool:
        return not self._answering and self._monotonic() - self._last_request >= QUIET_S

    async def _settled(self) -> None:
        if self._quiet_now():
            return
        if self._quiet is None or self._quiet.done():
            self._quiet = asyncio.ensure_future(self._burst_over())
        await asyncio.shield(self._quiet)  # one waiter cancelled must not end the watch

    async def _burst_over(self) -> None:
        """Returns once nothing is being answered and QUIET_S passed, or at HOLD_MAX_S."""
        deadline = self._monotonic() + HOLD_MAX_S
        while not self._quiet_now():
            if self._monotonic() >= deadline:
                return
            gap = self._monotonic() - self._last_request
            await asyncio.sleep(max(QUIET_S - gap, QUIET_S / 4))

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack follow-up work failed", exc_info=task.exception())
