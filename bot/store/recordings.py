"""Recording tasks: stored, so the auto-stop, its warning and the custody record outlive
a restart and happen once across replicas (every claim is one conditional UPDATE).

The files and callbacks of a task are ``custody.py``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.custody import Custody
from bot.store.replicas import dead_ids
from bot.store.tables import Recording, RecordingFile, RecordingState

LIVE = [s.value for s in RecordingState if s.live]


def _one(result: object) -> bool:
    """Did the conditional UPDATE hit its row (this caller won)?"""
    return bool(getattr(result, "rowcount", 0) == 1)


class Recordings:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.custody = Custody(sessions)

    async def add(self, **values: Any) -> Recording:
        row = Recording(state=RecordingState.STARTING.value, warned=False, **values)
        async with self._sessions.begin() as session:
            session.add(row)
        # Callbacks that came before the row; the caller's reply shows the task as created,
        # and the tick redraws it from those callbacks as it tells them.
        await self.custody.catch_up(row.task_id)
        return row

    async def get(self, recording_id: int) -> Recording | None:
        async with self._sessions() as session:
            return await session.get(Recording, recording_id)

    async def by_task(self, task_id: str) -> Recording | None:
        async with self._sessions() as session:
            found = await session.scalars(select(Recording).where(Recording.task_id == task_id))
            return found.first()

    async def by_operation(self, operation_id: int) -> Recording | None:
        stmt = select(Recording).where(Recording.operation_id == operation_id)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).first()

    async def listing(
        self, *, sdkappid: int | None = None, room: str | None = None, limit: int = 20
    ) -> Sequence[Recording]:
        """Newest first; one room's (both numeric and string rooms of that id) or all."""
        stmt = select(Recording).order_by(Recording.id.desc()).limit(limit)
        if sdkappid is not None:
            stmt = stmt.where(Recording.sdkappid == sdkappid)
        if room is not None:
            stmt = stmt.where(Recording.room == room)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def live_in(self, sdkappid: int, room: str, numeric: bool) -> Sequence[Recording]:
        stmt = select(Recording).where(
            Recording.sdkappid == sdkappid,
            Recording.room == room,
            Recording.room_numeric == numeric,
            Recording.state.in_(LIVE),
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def live_count(self) -> int:
        """How many tasks are recording (or starting) now, every application."""
        stmt = select(func.count()).select_from(Recording).where(Recording.state.in_(LIVE))
        async with self._sessions() as session:
            return int(await session.scalar(stmt) or 0)

    async def files(self, task_id: str) -> Sequence[RecordingFile]:
        return await self.custody.files(task_id)

    async def transition(
        self,
        recording_id: int,
        before: Sequence[RecordingState],
        after: RecordingState,
        **values: Any,
    ) -> bool:
        stmt = (
            update(Recording)
            .where(Recording.id == recording_id, Recording.state.in_([s.value for s in before]))
            .values(state=after.value, **values)
        )
        async with self._sessions.begin() as session:
            return _one(await session.execute(stmt))

    async def update(self, recording_id: int, **values: Any) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Recording).where(Recording.id == recording_id).values(**values)
            )

    async def add_request_id(self, recording_id: int, request_id: str) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(Recording, recording_id, with_for_update=True)
            if row is not None and request_id and request_id not in row.request_ids:
                row.request_ids = [*row.request_ids, request_id]

    async def extend(self, recording_id: int, until: float) -> bool:
        """A later stop for a live task; its one-minute warning is due again."""
        stmt = (
            update(Recording)
            .where(Recording.id == recording_id, Recording.state.in_(LIVE))
            .values(until=until, warned=False)
        )
        async with self._sessions.begin() as session:
            return _one(await session.execute(stmt))

    async def to_warn(self, now: float, lead_s: float) -> Sequence[Recording]:
        stmt = select(Recording).where(
            Recording.state.in_(LIVE),
            Recording.warned.is_(False),
            Recording.until <= now + lead_s,
            Recording.until > now,
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def mark_warned(self, recording: Recording) -> bool:
        """One replica warns, for the deadline it read."""
        stmt = (
            update(Recording)
            .where(
                Recording.id == recording.id,
                Recording.warned.is_(False),
                Recording.until == recording.until,
            )
            .values(warned=True)
        )
        async with self._sessions.begin() as session:
            return _one(await session.execute(stmt))

    async def due(self, now: float, *, mine: str | None = None) -> Sequence[Recording]:
        """Live tasks past their time, and stops a dead replica left half-way."""
        stmt = select(Recording).where(
            or_(
                and_(Recording.state.in_(LIVE), Recording.until <= now),
                and_(
                    Recording.state == RecordingState.STOPPING.value,
                    Recording.stopper.in_(dead_ids(now, mine=mine)),
                ),
            )
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def claim_stop(self, recording: Recording, stopper: str) -> bool:
        stmt = (
            update(Recording)
            .where(Recording.id == recording.id, Recording.state == recording.state)
            .values(state=RecordingState.STOPPING.value, stopper=stopper)
        )
        if recording.stopper is not None:
            stmt = stmt.where(Recording.stopper == recording.stopper)
        async with self._sessions.begin() as session:
            return _one(await session.execute(stmt))

    async def starting_since(self, before: float) -> Sequence[Recording]:
        """Accepted before ``before`` and still without a start callback or a file."""
        stmt = select(Recording).where(
            Recording.state == RecordingState.STARTING.value, Recording.created_at <= before
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def unclosed(self) -> Sequence[Recording]:
        """Over (ended, failed) and uploads settled, but no custody record yet."""
        stmt = select(Recording).where(
            Recording.custody_at.is_(None),
            or_(
                Recording.state == RecordingState.FAILED.value,
                and_(Recording.state == RecordingState.ENDED.value, Recording.uploads.is_not(None)),
            ),
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def close_custody(self, recording_id: int, now: float) -> bool:
        stmt = (
            update(Recording)
            .where(Recording.id == recording_id, Recording.custody_at.is_(None))
            .values(custody_at=now)
        )
        async with self._sessions.begin() as session:
            return _one(await session.execute(stmt))
