"""Which thread watches which room: stored, so a restart or another replica keeps them.

A watch ends by one conditional UPDATE (``active`` → ``ended``), so when the
room is dismissed or the watch runs out, exactly one caller announces it.

    active ─┬─► ended (unwatch | dismissed | expired)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Watch

DEFAULT_TTL_S = 4 * 3600
ACTIVE = "active"
ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a watch posts: a Slack thread (or the console's)."""

    channel: str
    thread: str | None


def _in_thread(place: Place) -> ColumnElement[bool]:
    if place.thread is None:
        return Watch.thread.is_(None)
    return Watch.thread == place.thread


class Watches:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def start(
        self,
        *,
        sdkappid: int,
        room: str,
        numeric: bool,
        place: Place,
        by: str,
        now: float,
        ttl_s: float = DEFAULT_TTL_S,
    ) -> tuple[Watch, bool]:
        """(the watch, True if new); watching again from the same thread renews it."""
        expires = now + ttl_s
        existing = await self._active_here(sdkappid, room, numeric, place)
        if existing is not None:
            async with self._sessions.begin() as session:
                await session.execute(
                    update(Watch)
                    .where(Watch.id == existing.id, Watch.state == ACTIVE)
                    .values(expires_at=expires)
                )
            existing.expires_at = expires
            return existing, False
        watch = Watch(
            sdkappid=sdkappid,
            room=room,
            numeric=numeric,
            channel=place.channel,
            thread=place.thread,
            created_by=by,
            created_at=now,
            expires_at=expires,
            state=ACTIVE,
        )
        async with self._sessions.begin() as session:
            session.add(watch)
        return watch, True

    async def _active_here(
        self, sdkappid: int, room: str, numeric: bool, place: Place
    ) -> Watch | None:
        stmt = select(Watch).where(
            Watch.state == ACTIVE,
            Watch.sdkappid == sdkappid,
            Watch.room == room,
            Watch.numeric == numeric,
            Watch.channel == place.channel,
            _in_thread(place),
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt.limit(1))).first()

    async def stop(
        self, *, sdkappid: int, room: str, numeric: bool, place: Place, now: float
    ) -> int:
        """End this thread's watch of the room; how many ended (0: none was active)."""
        stmt = (
            update(Watch)
            .where(
                Watch.state == ACTIVE,
                Watch.sdkappid == sdkappid,
                Watch.room == room,
                Watch.numeric == numeric,
                Watch.channel == place.channel,
                _in_thread(place),
            )
            .values(state=ENDED, ended_at=now, ended_why="unwatch")
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return int(getattr(result, "rowcount", 0))

    async def active_in(self, channel: str, now: float) -> Sequence[Watch]:
        """The watches in force in one channel (any thread), oldest first."""
        stmt = select(Watch).where(
            Watch.state == ACTIVE, Watch.expires_at > now, Watch.channel == channel
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Watch.id))).all()

    async def stop_one(
        self, watch_id: int, *, sdkappid: int, room: str, numeric: bool, channel: str, now: float
    ) -> int:
        """End one watch of this room in this channel (from a list's Unwatch button)."""
        stmt = (
            update(Watch)
            .where(
                Watch.id == watch_id,
                Watch.state == ACTIVE,
                Watch.sdkappid == sdkappid,
                Watch.room == room,
                Watch.numeric == numeric,
                Watch.channel == channel,
            )
            .values(state=ENDED, ended_at=now, ended_why="unwatch")
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return int(getattr(result, "rowcount", 0))

    async def active(self, now: float, sdkappids: Iterable[int] | None = None) -> Sequence[Watch]:
        stmt = select(Watch).where(Watch.state == ACTIVE, Watch.expires_at > now)
        if sdkappids is not None:
            stmt = stmt.where(Watch.sdkappid.in_(list(sdkappids)))
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Watch.id))).all()

    async def end(self, watch_ids: Iterable[int], why: str, now: float) -> list[int]:
        """End these watches if still active; return the ids this call ended."""
        ended = []
        for watch_id in watch_ids:
            async with self._sessions.begin() as session:
                result = await session.execute(
                    update(Watch)
                    .where(Watch.id == watch_id, Watch.state == ACTIVE)
                    .values(state=ENDED, ended_at=now, ended_why=why)
                )
            if getattr(result, "rowcount", 0) == 1:
                ended.append(watch_id)
        return ended

    async def due(self, now: float) -> Sequence[Watch]:
        """Active watches whose time is up."""
        stmt = select(Watch).where(Watch.state == ACTIVE, Watch.expires_at <= now)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def get(self, watch_id: int) -> Watch | None:
        async with self._sessions() as session:
            return await session.get(Watch, watch_id)

    async def of_place(self, place: Place) -> Sequence[Watch]:
        """Every watch ever started in this thread, newest first (for tests and help)."""
        stmt = select(Watch).where(Watch.channel == place.channel, _in_thread(place))
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Watch.id.desc()))).all()
