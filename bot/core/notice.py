"""Messages nobody asked for: an expiry, a timed mute lifted by itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.reply import Reply


@dataclass(frozen=True, slots=True)
class Notice:
    """Adapters post ``reply`` in the thread, or update the messages of
    ``reply.operation_id`` when there are any.

    ``key`` names a status message: a later notice with the same key in the same
    thread edits that message in place instead of posting a new one (a live
    feed's running summary)."""

    channel: str
    thread: str | None
    reply: Reply
    key: str | None = None


Notify = Callable[[Notice], Awaitable[None]]
