"""Callbacks as received: stored once per event, then claimed once for the feed.

The event's identity (``key``) is a unique column, so a TRTC retry — or the
same event arriving at two replicas — inserts nothing the second time; that
holds across restarts and processes. A relay then claims new rows with one
conditional UPDATE, so each event is turned into words exactly once whichever
replica gets there first. What an event means is ``bot.callbacks``' business:
it hands in anything with the fields below and gets back what it builds.

    new ──claim──► taken            (pruned after KEEP_S)
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Base, CallbackRecord

# Kept well past TRTC's one-minute retry horizon (and our replay horizon), so a
# late retry still finds its twin; an hour also leaves a trail to look at.
KEEP_S = 3600.0
NEW = "new"
TAKEN = "taken"

_TABLE = Base.metadata.tables[CallbackRecord.__tablename__]
# The columns an event is made of (``CallbackEvent``'s fields, same names).
EVENT_COLUMNS = (
    "sdkappid",
    "group",
    "type",
    "callback_ms",
    "room",
    "numeric",
    "event_ms",
    "user_id",
    "role",
    "reason",
    "terminal",
    "detail",
    "key",
)

T = TypeVar("T")
# Written in the same transaction as the records (``add``'s ``also``).
Also = Callable[[AsyncSession], Awaitable[None]]


class StoredEvent(Protocol):
    """What a callback must offer to be stored (``CallbackEvent`` does)."""

    @property
    def key(self) -> str: ...
    @property
    def sdkappid(self) -> int: ...
    @property
    def group(self) -> int: ...
    @property
    def type(self) -> int: ...
    @property
    def callback_ms(self) -> int: ...
    @property
    def event_ms(self) -> int | None: ...
    @property
    def room(self) -> str | None: ...
    @property
    def numeric(self) -> bool: ...
    @property
    def user_id(self) -> str | None: ...
    @property
    def role(self) -> int | None: ...
    @property
    def reason(self) -> int | None: ...
    @property
    def terminal(self) -> int | None: ...
    @property
    def detail(self) -> str | None: ...


def _row(event: StoredEvent, now: float) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in EVENT_COLUMNS}
    return {**row, "received_at": now, "state": NEW}


@dataclass(frozen=True, slots=True)
class Counts:
    new: int
    taken: int

    @property
    def total(self) -> int:
        return self.new + self.taken


class Callbacks:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    async def add(
        self, events: Sequence[StoredEvent], now: float, *, also: Also | None = None
    ) -> set[str]:
        """Store the events not seen before; return their keys (one transaction, in which
        ``also`` writes what goes with them: the live roster)."""
        unique = list({e.key: e for e in events}.values())
        if not unique:
            return set()
        rows = [_row(e, now) for e in unique]
        if self._dialect not in ("sqlite", "postgresql"):
            added = await self._add_one_by_one(rows)
            if also is not None:
                async with self._sessions.begin() as session:
                    await also(session)
            return added
        # One cached statement run over all rows (SQLAlchemy batches them into
        # multi-row INSERTs); ON CONFLICT skips repeats, RETURNING names the new.
        dialect_insert = sqlite.insert if self._dialect == "sqlite" else postgresql.insert
        stmt = (
            dialect_insert(_TABLE)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(_TABLE.c.key)
        )
        async with self._sessions.begin() as session:
            conn = await session.connection()
            added = set((await conn.execute(stmt, rows)).scalars().all())
            if also is not None:
                await also(session)
            return added

    async def _add_one_by_one(self, rows: list[dict[str, Any]]) -> set[str]:
        """Other databases: a unique-key violation means "seen before"."""
        added = set()
        for row in rows:
            try:
                async with self._sessions.begin() as session:
                    await session.execute(insert(_TABLE).values(**row))
            except IntegrityError:
                continue
            added.add(row["key"])
        return added

    async def claim(self, limit: int, make: Callable[..., T]) -> list[T]:
        """Take up to ``limit`` new events, oldest first; no other caller gets them.

        Each is returned as ``make(**fields)``, the fields named as in EVENT_COLUMNS."""
        token = secrets.token_hex(16)
        oldest = (
            select(_TABLE.c.seq)
            .where(_TABLE.c.state == NEW)
            .order_by(_TABLE.c.seq)
            .limit(limit)
            .scalar_subquery()
        )
        take = (
            update(_TABLE)
            .where(_TABLE.c.seq.in_(oldest), _TABLE.c.state == NEW)
            .values(state=TAKEN, claim=token)
        )
        async with self._sessions.begin() as session:
            conn = await session.connection()
            if not (await conn.execute(take)).rowcount:
                return []
            found = await conn.execute(
                select(*(_TABLE.c[name] for name in EVENT_COLUMNS))
                .where(_TABLE.c.claim == token)
                .order_by(_TABLE.c.seq)
            )
            return [make(**row._mapping) for row in found]

    async def counts(self) -> Counts:
        stmt = select(CallbackRecord.state, func.count()).group_by(CallbackRecord.state)
        async with self._sessions() as session:
            found = {state: int(n) for state, n in (await session.execute(stmt)).all()}
        return Counts(new=found.get(NEW, 0), taken=found.get(TAKEN, 0))

    async def keys(self) -> set[str]:
        async with self._sessions() as session:
            return set((await session.scalars(select(CallbackRecord.key))).all())

    async def prune(self, before: float) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(CallbackRecord).where(CallbackRecord.received_at < before))
