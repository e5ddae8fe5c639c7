"""People's display names from Slack (``users.info``), cached, for replies that
name someone without notifying them ("requested by", "cancelled by").

A name that cannot be read is simply missing: the reply then shows the id as
code, which pings no one. Names are kept for ``ttl_s`` (people rename rarely) in a
bounded cache, and one lookup serves every reply that wants it meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.core.markup import people, with_names
from bot.core.reply import Reply, Table
from bot.slack.outbox import Outbox
from bot.slack.spans import is_user_id

_KEEP = 2000  # names cached at most


class Names:
    def __init__(
        self,
        outbox: Outbox,
        *,
        ttl_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._outbox = outbox
        self._ttl = ttl_s
        self._clock = clock
        self._cache: OrderedDict[str, tuple[str | None, float]] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[str | None]] = {}

    async def name(self, user: str) -> str | None:
        cached = self._cache.get(user)
        if cached is not None and self._clock() - cached[1] < self._ttl:
            return cached[0]
        task = self._inflight.get(user)
        if task is None:
            task = asyncio.create_task(self._fetch(user), name=f"users-info-{user}")
            self._inflight[user] = task
            task.add_done_callback(lambda _: self._inflight.pop(user, None))
        return await asyncio.shield(task)

    async def names(self, users: Iterable[str]) -> dict[str, str]:
        wanted = sorted({u for u in users if is_user_id(u)})
        found = await asyncio.gather(*(self.name(u) for u in wanted))
        return {u: n for u, n in zip(wanted, found, strict=True) if n}

    async def settle(self, reply: Reply) -> Reply:
        """``reply`` with every person it names carrying their display name."""
        texts = [reply.headline, *reply.lines, *(v for f in reply.fields for v in f)]
        texts += [c for t in reply.tables for row in t.rows for c in row]
        wanted = set().union(*(people(t) for t in texts))
        if not wanted:
            return reply
        names = await self.names(wanted)
        if not names:
            return reply

        def named(text: str) -> str:
            return with_names(text, names)

        return replace(
            reply,
            headline=named(reply.headline),
            lines=tuple(named(line) for line in reply.lines),
            fields=tuple((named(k), named(v)) for k, v in reply.fields),
            tables=tuple(
                Table(t.columns, tuple(tuple(named(c) for c in r) for r in t.rows), t.title)
                for t in reply.tables
            ),
        )

    async def _fetch(self, user: str) -> str | None:
        info = await self._outbox.user_info(user)
        name = _display_name(info) if info is not None else None
        if info is not None:  # a failure is not remembered: the next reply asks again
            self._cache[user] = (name, self._clock())
            self._cache.move_to_end(user)
            while len(self._cache) > _KEEP:
                self._cache.popitem(last=False)
        return name


def _display_name(info: dict[str, object]) -> str | None:
    profile = info.get("profile")
    fields = profile if isinstance(profile, dict) else {}
    for name in (fields.get("display_name"), fields.get("real_name"), info.get("real_name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    name = info.get("name")
    return name if isinstance(name, str) and name else None
