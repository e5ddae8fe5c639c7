"""Callbacks as received: stored once per event, then claimed once for the feed.

The event's identity (``CallbackEvent.key``) is a unique column, so a TRTC
retry — or the same event arriving at two replicas — inserts nothing the second
time; that holds across restarts and processes. A relay then claims new rows
with one conditional UPDATE, so each event is turned into words exactly once
whichever replica gets there first.

    new ──claim──► taken            (pruned after KEEP_S)
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Index, String, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.callbacks.event import CallbackEvent
from bot.store.tables import Base

# Kept well past TRTC's one-minute retry horizon (and our replay horizon), so a
# late retry still finds its twin; an hour also leaves a trail to look at.
KEEP_S = 3600.0
NEW = "new"
TAKEN = "taken"


class CallbackRecord(Base):
    """One TRTC event callback, verified and accepted."""

    __tablename__ = "trtc_callbacks"
    __table_args__ = (Index("ix_trtc_callbacks_state_seq", "state", "seq"),)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[float] = mapped_column(index=True)
    # Unix milliseconds and SdkAppIds outgrow PostgreSQL's 32-bit INTEGER.
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    group: Mapped[int]
    type: Mapped[int]
    callback_ms: Mapped[int] = mapped_column(BigInteger)
    event_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    room: Mapped[str | None] = mapped_column(String(128), nullable=True)
    numeric: Mapped[bool]
    user_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    role: Mapped[int | None] = mapped_column(nullable=True)
    reason: Mapped[int | None] = mapped_column(nullable=True)
    terminal: Mapped[int | None] = mapped_column(nullable=True)
    state: Mapped[str] = mapped_column(String(8))
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)


def _row(event: CallbackEvent, now: float) -> dict[str, Any]:
    return {
        "key": event.key,
        "received_at": now,
        "sdkappid": event.sdkappid,
        "group": event.group,
        "type": event.type,
        "callback_ms": event.callback_ms,
        "event_ms": event.event_ms,
        "room": event.room,
        "numeric": event.numeric,
        "user_id": event.user_id,
        "role": event.role,
        "reason": event.reason,
        "terminal": event.terminal,
        "state": NEW,
    }


_TABLE = Base.metadata.tables[CallbackRecord.__tablename__]
# CallbackRecord columns that are CallbackEvent fields (same names).
_EVENT_COLUMNS = (
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
    "key",
)


@dataclass(frozen=True, slots=True)
class Counts:
    new: int
    taken: int

    @property
    def total(self) -> int:
        return self.new + self.taken


class Records:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def add(self, events: Sequence[CallbackEvent], now: float) -> set[str]:
        """Store the events not seen before; return their keys (one transaction)."""
        unique = list({e.key: e for e in events}.values())
        if not unique:
            return set()
        rows = [_row(e, now) for e in unique]
        name = self._engine.dialect.name
        if name not in ("sqlite", "postgresql"):
            return await self._add_one_by_one(rows)
        # One cached statement run over all rows (SQLAlchemy batches them into
        # multi-row INSERTs); ON CONFLICT skips repeats, RETURNING names the new.
        dialect_insert = sqlite.insert if name == "sqlite" else postgresql.insert
        stmt = (
            dialect_insert(_TABLE)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(_TABLE.c.key)
        )
        async with self._engine.begin() as conn:
            return set((await conn.execute(stmt, rows)).scalars().all())

    async def _add_one_by_one(self, rows: list[dict[str, Any]]) -> set[str]:
        """Other databases: a unique-key violation means "seen before"."""
        added = set()
        for row in rows:
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(insert(_TABLE).values(**row))
            except IntegrityError:
                continue
            added.add(row["key"])
        return added

    async def claim(self, limit: int) -> list[CallbackEvent]:
        """Take up to ``limit`` new events, oldest first; no other caller gets them."""
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
        async with self._engine.begin() as conn:
            if not (await conn.execute(take)).rowcount:
                return []
            found = await conn.execute(
                select(*(_TABLE.c[name] for name in _EVENT_COLUMNS))
                .where(_TABLE.c.claim == token)
                .order_by(_TABLE.c.seq)
            )
            return [CallbackEvent(**row._mapping) for row in found]

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
