"""Which bot processes are alive: each beats on every tick; a silent one is dead.

Replicas share one database and nothing else. When one is killed, what it had
taken (a Slack delivery, an operation it was executing) must be picked up by
another without waiting for the slowest possible run: a stale heartbeat says
at once that its owner is gone. A process that stops cleanly marks itself
dead, so the others need not even wait for that.

Liveness is not work: the beat has a loop of its own (``bot.app.core.background``)
and a connection of its own (``heart``), so a slow TRTC call, a Slack 429 or a
full pool delays the work and never the beat. A replica never takes over its
own work, however stale its beat looks (``dead_ids(…, mine=…)``).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.tables import Replica

BEAT_S = 1.0  # the heartbeat loop's interval
DEAD_AFTER_S = 10.0  # no beat for this long: the process is gone
FORGET_AFTER_S = 86400.0


def new_instance_id() -> str:
    return "r-" + secrets.token_hex(6)


class Replicas:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        heart: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._heart = heart or sessions  # the beat's own connection
        self._known: set[str] = set()

    async def beat(self, instance: str, now: float) -> None:
        async with self._heart.begin() as session:
            if instance in self._known:
                stmt = update(Replica).where(Replica.id == instance).values(beat_at=now)
                if getattr(await session.execute(stmt), "rowcount", 0) == 1:
                    return
            session.add(Replica(id=instance, started_at=now, beat_at=now))
            await session.execute(delete(Replica).where(Replica.beat_at < now - FORGET_AFTER_S))
        self._known.add(instance)

    async def leave(self, instance: str) -> None:
        """A clean stop: the others may take over at once."""
        async with self._heart.begin() as session:
            await session.execute(update(Replica).where(Replica.id == instance).values(beat_at=0.0))

    async def close(self) -> None:
        engine = self._heart.kw.get("bind")
        if self._heart is not self._sessions and isinstance(engine, AsyncEngine):
            await engine.dispose()

    async def dead(self, now: float) -> set[str]:
        async with self._sessions() as session:
            return {str(i) for i in (await session.scalars(dead_ids(now))).all()}


def dead_ids(now: float, *, mine: str | None = None) -> Select[Any]:
    """Processes that beat once and have been silent since: a subquery for takeovers.

    One that never beat (a test calling the core directly) is not presumed dead:
    its work falls back to the slowest-possible-run rule. ``mine`` (the asking
    replica) is never dead to itself: what it holds, it is still doing.
    """
    stmt = select(Replica.id).where(Replica.beat_at < now - DEAD_AFTER_S)
    if mine is not None:
        stmt = stmt.where(Replica.id != mine)
    return stmt
