"""People's display names and time zones from Slack (``users.info``), cached, for
replies that name someone without notifying them ("requested by", "cancelled by")
and show moments in the reader's own time zone ("14:05 CET").

A name that cannot be read is simply missing: the reply then shows the id as
code, which pings no one. Names are kept for ``ttl_s`` (people rename rarely) in a
bounded cache, and one lookup serves every reply that wants it meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.markup import people, with_names, with_zone
from bot.core.reply import Reply, Table
from bot.slack.outbox import Outbox
from bot.slack.spans import is_user_id

_KEEP = 2000  # names cached at most


@dataclass(frozen=True, slots=True)
class Known:
    """What ``users.info`` told us of one person."""

    name: str | None
    zone: tzinfo | None


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
        self._cache: OrderedDict[str, tuple[Known, float]] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[Known]] = {}

    async def name(self, user: str) -> str | None:
        return (await self.known(user)).name

    async def zone(self, user: str | None) -> tzinfo | None:
        """``user``'s time zone as Slack has it, or None (then times show in UTC)."""
        return (await self.known(user)).zone if user and is_user_id(user) else None

    async def known(self, user: str) -> Known:
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

    async def settle(self, reply: Reply, reader: str | None = None) -> Reply:
        """``reply`` with every person it names carrying their display name, and its
        moments in ``reader``'s time zone when Slack gives it."""
        texts = [reply.headline, *reply.lines, *(v for f in reply.fields for v in f)]
        texts += [c for t in reply.tables for row in t.rows for c in row]
        wanted = set().union(*(people(t) for t in texts))
        zone = await self.zone(reader)
        if not wanted and zone is None:
            return reply
        names = await self.names(wanted)

        def named(text: str) -> str:
            text = with_names(text, names)
            return with_zone(text, zone) if zone is not None else text

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

    async def _fetch(self, user: str) -> Known:
        info = await self._outbox.user_info(user)
        if info is None:  # a failure is not remembered: the next reply asks again
            return Known(None, None)
        known = Known(_display_name(info), _zone(info))
        self._cache[user] = (known, self._clock())
        self._cache.move_to_end(user)
        while len(self._cache) > _KEEP:
            self._cache.popitem(last=False)
        return known


def in_zone(table: Table, zone: tzinfo) -> Table:
    """``table`` with its moments written out in ``zone``."""
    rows = tuple(tuple(with_zone(c, zone) for c in r) for r in table.rows)
    return Table(table.columns, rows, table.title)


def _zone(info: dict[str, object]) -> tzinfo | None:
    """The zone by name (its label follows daylight saving), else the fixed offset."""
    name, offset = info.get("tz"), info.get("tz_offset")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if isinstance(offset, int) and not isinstance(offset, bool) and abs(offset) < 86400:
        return timezone(timedelta(seconds=offset))
    return None


def _display_name(info: dict[str, object]) -> str | None:
    profile = info.get("profile")
    fields = profile if isinstance(profile, dict) else {}
    for name in (fields.get("display_name"), fields.get("real_name"), info.get("real_name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    name = info.get("name")
    return name if isinstance(name, str) and name else None
