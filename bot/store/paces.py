"""Paces shared by every replica through the database (GCRA, one row per key).

Each use reserves the next slot in one atomic upsert: ``tat = max(tat, now) + T``,
and the caller waits until ``tat - T - tau``. PostgreSQL's own clock is ``now``, so
replicas on machines whose clocks disagree still share one schedule. The slot is
turned into this process's clock with the best offset seen lately (database time
minus the time its answer arrived: never later than the truth), so a slow answer
does not make its request leave late and crowd the next one into the same second. A reservation
whose caller is cancelled is spent, never lent twice: the fleet can only be slower
than the limit, not faster. SQLite serves replicas of one process, so it shares a
``LocalPacer`` per database file instead of writing a row for every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from sqlalchemy import func
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.pacing import LocalPacer, Pace, Pacer
from bot.store.tables import Base, PaceRow

log = logging.getLogger(__name__)

_TABLE = Base.metadata.tables[PaceRow.__tablename__]
_LOCAL: dict[tuple[str, str, Pace], LocalPacer] = {}


class SharedPacer:
    def __init__(
        self,
        engine: AsyncEngine,
        pace: Pace,
        *,
        prefix: str,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pace = pace
        self._engine = engine
        self._prefix = prefix
        self._sleep = sleep
        self._monotonic = monotonic
        self._offsets: deque[float] = deque(maxlen=64)  # database clock − ours, lower bounds
        # When the database cannot answer, pace locally rather than stop TRTC or Slack.
        self._fallback = LocalPacer(pace)
        self._failing = False

    async def wait(self, key: str) -> None:
        try:
            delay = await self._reserve(f"{self._prefix}:{key}")
        except (SQLAlchemyError, OSError) as error:
            if not self._failing:
                log.warning("shared pace unavailable, pacing this replica alone: %s", error)
                self._failing = True
            await self._fallback.wait(key)
            return
        self._failing = False
        if delay > 0:
            await self._sleep(delay)

    async def _reserve(self, key: str) -> float:
        """Seconds to wait before the use just reserved."""
        slot, at = await self._slot(key)
        answered = self._monotonic()
        self._offsets.append(at - answered)
        return slot - max(self._offsets) - self._monotonic()

    async def _slot(self, key: str) -> tuple[float, float]:
        """(when the use may leave, when it was reserved), in the database's clock."""
        step = self.pace.interval
        now = func.extract("epoch", func.clock_timestamp())
        stmt = (
            postgresql.insert(_TABLE)
            .values(key=key, tat=now + step)
            .on_conflict_do_update(
                index_elements=[_TABLE.c.key],
                set_={"tat": func.greatest(_TABLE.c.tat, now) + step},
            )
            .returning(_TABLE.c.tat, now)
        )
        async with self._engine.begin() as conn:
            tat, at = (await conn.execute(stmt)).one()
        return float(tat) - step - self.pace.tolerance, float(at)


def shared_pacer(engine: AsyncEngine, pace: Pace, *, prefix: str) -> Pacer:
    """The pace every replica on this database keeps together."""
    if engine.dialect.name == "postgresql":
        return SharedPacer(engine, pace, prefix=prefix)
    where = str(engine.url.database or ":memory:")
    if where == ":memory:":
        return LocalPacer(pace)
    return _LOCAL.setdefault((where, prefix, pace), LocalPacer(pace))
