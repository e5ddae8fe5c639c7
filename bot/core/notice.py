"""Messages nobody asked for: an expiry, a timed mute lifted by itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.reply import Reply


@dataclass(frozen=True, slots=True)
class Notice:
    """Adapters post ``reply`` in the thread, or update the messages of
    ``reply.operation_id`` when there are any."""

    channel: str
    thread: str | None
    reply: Reply


Notify = Callable[[Notice], Awaitable[None]]
