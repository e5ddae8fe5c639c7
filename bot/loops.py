"""Background loops: one shape for every "do this every N seconds" the bot runs.

A failing round is logged and the next one tries again; the loop ends only
when its block does (cancellation), so no background work outlives the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

log = logging.getLogger(__name__)


async def every(interval: float, work: Callable[[], Awaitable[object]], name: str) -> None:
    """Run ``work`` every ``interval`` seconds for ever; an exception skips one round."""
    while True:
        try:
            await work()
        except Exception:
            log.exception("background %s failed; trying again in %ss", name, interval)
        await asyncio.sleep(interval)


@asynccontextmanager
async def running(work: Coroutine[Any, Any, None], name: str) -> AsyncIterator[None]:
    """``work`` runs as a task for as long as the block does, then is cancelled."""
    task = asyncio.create_task(work, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
