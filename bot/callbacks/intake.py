"""Verified callbacks into the database with group commit.

Each request waits for the one transaction that stores it together with every
other request that arrived meanwhile (no artificial delay: while one batch is
being written, the next one gathers). So the 200 goes out once the event is
durably recorded — a crash after the answer loses nothing — and thousands of
callbacks a second cost tens of transactions, not thousands. Room events also
move the live roster (``bot.store.roster``) before the 200 goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.event import CallbackEvent
from bot.callbacks.moves import moves
from bot.store.callbacks import Also, Callbacks
from bot.store.roster import Roster

log = logging.getLogger(__name__)

MAX_PENDING = 20_000  # beyond this, callers are told to come back (HTTP 503)
MAX_BATCH = 1_000  # rows per transaction (and per multi-row INSERT)


class Overloaded(RuntimeError):
    """Too many callbacks waiting to be stored; TRTC will retry."""


class Intake:
    def __init__(
        self,
        records: Callbacks,
        *,
        clock: Callable[[], float] = time.time,
        on_stored: Callable[[], None] | None = None,
        max_pending: int = MAX_PENDING,
        roster: Roster | None = None,
    ) -> None:
        self.records = records
        self.roster = roster
        self._clock = clock
        self._on_stored = on_stored
        self._max_pending = max_pending
        self._queue: list[tuple[CallbackEvent, asyncio.Future[bool]]] = []
        self._work = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self.stored = 0
        self.duplicates = 0

    async def accept(self, event: CallbackEvent) -> bool:
        """True when the event is new, False when it was stored before (a retry)."""
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_forever(), name="callback-intake")
        if len(self._queue) >= self._max_pending:
            raise Overloaded(f"{len(self._queue)} callbacks are waiting to be stored")
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append((event, future))
        self._work.set()
        return await future

    async def close(self) -> None:
        """Store what is queued, then stop the writer."""
        if self._writer is None:
            return
        while self._queue:
            await self._write_batch()
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        self._writer = None

    async def _write_forever(self) -> None:
        while True:
            await self._work.wait()
            self._work.clear()
            while self._queue:
                await self._write_batch()

    def _roster(self, events: list[CallbackEvent], now: float) -> Also | None:
        """The roster's share of the batch, written in the records' transaction: every
        event, repeats too (the roster ignores what it has)."""
        roster, found = self.roster, moves(events)
        if roster is None or not found:
            return None

        async def apply(session: AsyncSession) -> None:
            await roster.apply(found, now, session=session)

        return apply

    async def _write_batch(self) -> None:
        batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
        events = [event for event, _ in batch]
        try:
            now = self._clock()
            added = await self.records.add(events, now, also=self._roster(events, now))
        except Exception as exc:
            log.exception("storing %d callbacks failed", len(batch))
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        # The same event twice in one batch: the first is new, the second a repeat.
        first: set[str] = set()
        for event, future in batch:
            fresh = event.key in added and event.key not in first
            first.add(event.key)
            self.stored += fresh
            self.duplicates += not fresh
            if not future.done():
                future.set_result(fresh)
        if added and self._on_stored is not None:
            self._on_stored()
