"""Timed mutes: stored, so a restart (or another replica) still lifts them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.replicas import dead_ids
from bot.store.tables import Mute, MuteState


class Mutes:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, **values: Any) -> Mute:
        row = Mute(state=MuteState.ACTIVE.value, **values)
        async with self._sessions.begin() as session:
            session.add(row)
        return row

    async def get(self, mute_id: int) -> Mute | None:
        async with self._sessions() as session:
            return await session.get(Mute, mute_id)

    async def due(self, now: float, *, mine: str | None = None) -> Sequence[Mute]:
        """Mutes to lift now: those past their time (and past their next try, after a
        failed lift), and those a dead replica was lifting — never ``mine``'s, which is
        still at it (lifting twice is harmless: an unmute of someone not muted changes
        nothing)."""
        stmt = select(Mute).where(
            or_(
                and_(
                    Mute.state == MuteState.ACTIVE.value,
                    Mute.until.is_not(None),
                    Mute.until <= now,
                    or_(Mute.retry_at.is_(None), Mute.retry_at <= now),
                ),
                and_(
                    Mute.state == MuteState.LIFTING.value,
                    Mute.lifter.in_(dead_ids(now, mine=mine)),
                ),
            )
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def claim(self, mute: Mute, lifter: str) -> bool:
        """Take a due mute for lifting: one replica wins, as it was when read."""
        stmt = (
            update(Mute)
            .where(Mute.id == mute.id, Mute.state == mute.state)
            .values(state=MuteState.LIFTING.value, lifter=lifter)
        )
        if mute.lifter is not None:
            stmt = stmt.where(Mute.lifter == mute.lifter)
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return bool(getattr(result, "rowcount", 0) == 1)

    async def retry_later(self, mute_id: int, at: float) -> int:
        """A lift that failed: due again at ``at``; how many lifts have failed now."""
        stmt = (
            update(Mute)
            .where(Mute.id == mute_id, Mute.state == MuteState.LIFTING.value)
            .values(
                state=MuteState.ACTIVE.value,
                lifter=None,
                retry_at=at,
                attempts=Mute.attempts + 1,
            )
            .returning(Mute.attempts)
        )
        async with self._sessions.begin() as session:
            return int(await session.scalar(stmt) or 0)

    async def next_due(self) -> float | None:
        stmt = (
            select(Mute.until)
            .where(Mute.state == MuteState.ACTIVE.value, Mute.until.is_not(None))
            .order_by(Mute.until)
            .limit(1)
        )
        async with self._sessions() as session:
            return await session.scalar(stmt)

    async def active_for(self, sdkappid: int, room: str, user_id: str) -> Sequence[Mute]:
        stmt = select(Mute).where(
            Mute.sdkappid == sdkappid,
            Mute.room == room,
            Mute.user_id == user_id,
            Mute.state == MuteState.ACTIVE.value,
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def in_force(self, sdkappid: int, room: str, user_id: str) -> Sequence[Mute]:
        """The user's mute now (a user has one): active, or being lifted."""
        stmt = select(Mute).where(
            Mute.sdkappid == sdkappid,
            Mute.room == room,
            Mute.user_id == user_id,
            Mute.state.in_([MuteState.ACTIVE.value, MuteState.LIFTING.value]),
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Mute.id))).all()

    async def in_force_where(self, sdkappid: int, room: str | None = None) -> Sequence[Mute]:
        """Every mute in force in the application (or one room of it), oldest first."""
        stmt = select(Mute).where(
            Mute.sdkappid == sdkappid,
            Mute.state.in_([MuteState.ACTIVE.value, MuteState.LIFTING.value]),
        )
        if room is not None:
            stmt = stmt.where(Mute.room == room)
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Mute.id))).all()

    async def transition(self, mute_id: int, from_state: MuteState, to_state: MuteState) -> bool:
        """Claim or finish a mute; only one caller's update touches the row."""
        stmt = (
            update(Mute)
            .where(Mute.id == mute_id, Mute.state == from_state.value)
            .values(state=to_state.value)
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return bool(getattr(result, "rowcount", 0) == 1)
