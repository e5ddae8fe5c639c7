"""One status message per slow command, edited in place at most every ~2 s.

The core reports progress as plain lines (``Progress``); posting each one
would flood the thread and burn ``chat.update``'s Tier 3 budget, so the
latest line is shown at most once per ``interval``, with a trailing edit so
the last line before a long wait is not lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from bot.slack.blocks import Message
from bot.slack.outbox import Outbox

Draw = Callable[[str], Message]


class StatusMessage:
    def __init__(
        self,
        outbox: Outbox,
        channel: str,
        *,
        thread_ts: str | None,
        draw: Draw,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._outbox = outbox
        self.channel = channel
        self._thread = thread_ts
        self._draw = draw
        self._interval = interval
        self._clock = clock
        self.ts: str | None = None
        self._shown_at = float("-inf")
        self._pending: str | None = None
        self._flush: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self.edits = 0

    async def open(self, text: str, *, reuse: str | None = None) -> tuple[str | None, str | None]:
        """Post the message now (or show ``text`` in ``reuse``, a message posted before);
        (ts, None) or (None, Slack's error)."""
        ts: str | None
        error: str | None
        if reuse is not None and await self._outbox.update(self.channel, reuse, self._draw(text)):
            ts, error = reuse, None
        else:
            ts, error = await self._outbox.try_post(
                self.channel, self._draw(text), thread_ts=self._thread
            )
        self.ts = ts
        self._shown_at = self._clock()
        return ts, error

    async def report(self, text: str) -> None:
        """The core's ``progress`` callback."""
        if self.ts is None:
            async with self._lock:
                if self.ts is None:
                    await self.open(text)
                    return
        wait = self._shown_at + self._interval - self._clock()
        if wait <= 0 and self._flush is None:
            await self._show(text)
            return
        self._pending = text
        if self._flush is None:
            self._flush = asyncio.create_task(self._later(max(wait, 0.0)))

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._flush = None
        if self._pending is not None:
            text, self._pending = self._pending, None
            await self._show(text)

    async def _show(self, text: str) -> None:
        assert self.ts is not None
        self._shown_at = self._clock()
        self.edits += 1
        await self._outbox.update(self.channel, self.ts, self._draw(text))

    async def close(self) -> None:
        """Stop pending edits; the caller then writes the final content."""
        self._pending = None
        if self._flush is not None:
            self._flush.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flush
            self._flush = None
