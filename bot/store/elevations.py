"""Break-glass elevations: stored, so a restart or another replica still ends them on time.

Each change that must happen once (the warning, the end) is one conditional UPDATE:
whichever task or replica touches the row goes on; the others find nothing to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Elevation, ElevationState

ACTIVE = ElevationState.ACTIVE.value


class Elevations:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def start(self, **values: Any) -> Elevation:
        row = Elevation(state=ACTIVE, warned=False, **values)
        async with self._sessions.begin() as session:
            session.add(row)
        return row

    async def get(self, elevation_id: int) -> Elevation | None:
        async with self._sessions() as session:
            return await session.get(Elevation, elevation_id)

    async def active_for(self, user_id: str, now: float) -> Elevation | None:
        """``user_id``'s elevation in force at ``now`` (past its end it is over, even
        before the tick has closed it)."""
        stmt = (
            select(Elevation)
            .where(Elevation.user_id == user_id, Elevation.state == ACTIVE, Elevation.until > now)
            .order_by(Elevation.until.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).first()

    async def recent(self, limit: int) -> Sequence[Elevation]:
        stmt = select(Elevation).order_by(Elevation.id.desc()).limit(limit)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def to_warn(self, now: float, lead_s: float) -> Sequence[Elevation]:
        stmt = select(Elevation).where(
            Elevation.state == ACTIVE,
            Elevation.warned.is_(False),
            Elevation.until - lead_s <= now,
            Elevation.until > now,
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def claim_warning(self, row: Elevation) -> bool:
        """Take the warning of ``row`` as it was read (an Extend since re-arms it)."""
        return await self._update(
            (Elevation.warned.is_(False), Elevation.until == row.until), row.id, warned=True
        )

    async def due(self, now: float) -> Sequence[Elevation]:
        stmt = select(Elevation).where(Elevation.state == ACTIVE, Elevation.until <= now)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def end(self, row: Elevation, *, at: float, by: str, on_time: bool) -> bool:
        """Close ``row``: one caller wins. ``on_time``: only if its end has come (an
        Extend in between keeps it)."""
        conditions = (Elevation.until <= at,) if on_time else ()
        return await self._update(
            conditions, row.id, state=ElevationState.ENDED.value, ended_at=at, ended_by=by
        )

    async def extend(self, row: Elevation, until: float) -> bool:
        """Move the end of ``row`` (still active, as read) to ``until``; warn again later."""
        return await self._update(
            (Elevation.until == row.until,), row.id, until=until, warned=False
        )

    async def _update(self, conditions: tuple[Any, ...], row_id: int, **values: Any) -> bool:
        stmt = (
            update(Elevation)
            .where(Elevation.id == row_id, Elevation.state == ACTIVE, *conditions)
            .values(**values)
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return bool(getattr(result, "rowcount", 0) == 1)
