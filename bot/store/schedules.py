"""Scheduled work, once per slot: claimed by an insert, so one replica wins it.

A slot (``digest`` on ``2026-12-07``) is claimed by inserting its row; whoever's
insert lands runs it, every other replica and every later start sees it taken.
A run whose replica died before finishing is taken over (``orphans``/``take_over``),
as a timed mute's lift is: the work is redone at most by one other replica.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.inserts import insert_new
from bot.store.replicas import dead_ids
from bot.store.tables import ScheduleRun


class RunState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Schedules:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    async def claim(self, job: str, slot: str, now: float, runner: str) -> bool:
        """True for the one caller whose insert made the slot's row: it runs the slot."""
        row = {
            "key": f"{job}:{slot}",
            "job": job,
            "slot": slot,
            "state": RunState.RUNNING.value,
            "runner": runner,
            "claimed_at": now,
        }
        try:
            async with self._sessions.begin() as session:
                result = await session.execute(
                    insert_new(ScheduleRun, self._dialect, "key").values(**row)
                )
        except IntegrityError:
            return False  # a dialect without ON CONFLICT: the key was taken
        return bool(getattr(result, "rowcount", 0) == 1)

    async def finish(self, job: str, slot: str, state: RunState, now: float, note: str) -> None:
        stmt = (
            update(ScheduleRun)
            .where(ScheduleRun.key == f"{job}:{slot}")
            .values(state=state.value, finished_at=now, note=note, runner=None)
        )
        async with self._sessions.begin() as session:
            await session.execute(stmt)

    async def get(self, job: str, slot: str) -> ScheduleRun | None:
        async with self._sessions() as session:
            return await session.get(ScheduleRun, f"{job}:{slot}")

    async def orphans(self, now: float, *, mine: str) -> Sequence[ScheduleRun]:
        """Runs a dead replica was doing: never ``mine``, which is still at it."""
        stmt = select(ScheduleRun).where(
            ScheduleRun.state == RunState.RUNNING.value,
            ScheduleRun.runner.in_(dead_ids(now, mine=mine)),
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def take_over(self, run: ScheduleRun, runner: str) -> bool:
        """Take a dead replica's run; one replica wins it."""
        stmt = (
            update(ScheduleRun)
            .where(
                ScheduleRun.key == run.key,
                ScheduleRun.state == RunState.RUNNING.value,
                ScheduleRun.runner == run.runner,
            )
            .values(runner=runner)
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return bool(getattr(result, "rowcount", 0) == 1)
