"""Group commit: writes that arrive while one is in flight go together in the next.

A burst of Slack requests is a burst of small writes that must be durable
before each ack. One transaction each makes them queue on the database's
write lock (SQLite allows one writer; its busy handler sleeps), so the last
ack waits for all the others. Here the first write goes at once and the ones
arriving meanwhile share the next transaction: a burst of 200 costs a handful.

A batch also waits while the burst is still being read: as long as each turn
of the event loop brings another write (at most ``GATHER_MAX_S``). Written at
once, the first write's database thread would fight the loop reading the rest
of the burst for the GIL, each side waiting out the other's 5 ms switch
interval (bench/ack_latency.py: one row took 0.4–1 s); a lone write loses one
turn of the loop.

(aiodataloader batches by event-loop tick, but starts a new batch while one
is in flight and caches results by key; neither suits durable claims.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

GATHER_MAX_S = 0.05  # a steady stream is still written at least this often
T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(self, write: Callable[[list[T]], Awaitable[Sequence[R]]]) -> None:
        """``write`` stores a batch in one transaction; one result per item, in order."""
        self._write = write
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                await self._gathered()
                batch, self._queue = self._queue, []
                try:
                    results = await self._write([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._writer = None
            for _, future in self._queue:  # cancelled mid-way (shutdown): nobody writes them
                future.cancel()
            self._queue = []

    async def _gathered(self) -> None:
        """Until a turn of the loop brings no new write, or GATHER_MAX_S has passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GATHER_MAX_S
        seen = 0
        while len(self._queue) != seen and loop.time() < deadline:
            seen = len(self._queue)
            await asyncio.sleep(0)
