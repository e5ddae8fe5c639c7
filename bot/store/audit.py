"""The audit trail: append-only; read back newest first.

One record per Slack delivery holds the delivery's slot (a unique index), so work
redone after a crash is recorded once. The slot belongs to what actually ran: a
refusal (a press that changed nothing, e.g. a redo that found its operation
already handled) holds it only until the true outcome arrives, then steps aside;
a refusal that comes second is kept without the slot. Either way it stays on the
record, its note naming the delivery, and the true record keeps its RequestId.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.inserts import insert_new
from bot.store.tables import AuditRecord

# Outcomes that record a press which changed nothing: they give the slot way.
GIVES_WAY = frozenset({"refused"})


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    async def record(self, **values: Any) -> bool:
        """Append a record; False if it is not the one its Slack delivery is known by
        (the delivery's outcome was on the record already)."""
        # A plain INSERT: the ORM's unit of work costs more than the write itself.
        # A delivery taken over from a dead replica may be processed a second time.
        stmt = insert_new(AuditRecord, self._dialect, "delivery")
        values = {k: _storable(v) for k, v in values.items()}
        key = values.get("delivery")
        async with self._sessions.begin() as session:
            result = await session.execute(stmt.values(**values))
            inserted = bool(getattr(result, "rowcount", 1))
            if inserted or key is None:
                return True
            if values.get("outcome") in GIVES_WAY:  # a repeat that changed nothing
                aside = {**values, "delivery": None, "note": _naming(values.get("note"), key)}
                await session.execute(stmt.values(**aside))
                return False
            holder = await session.scalar(
                select(AuditRecord)
                .where(AuditRecord.delivery == key, AuditRecord.outcome.in_(GIVES_WAY))
                .with_for_update()
            )
            if holder is None:  # the true outcome is on the record: this is a redo
                return False
            await session.execute(
                update(AuditRecord)
                .where(AuditRecord.id == holder.id)
                .values(delivery=None, note=_naming(holder.note, key))
            )
            result = await session.execute(stmt.values(**values))
        return bool(getattr(result, "rowcount", 1))

    async def recent(self, limit: int, *, actor: str | None = None) -> Sequence[AuditRecord]:
        stmt = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if actor is not None:
            stmt = stmt.where(AuditRecord.actor == actor)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count(AuditRecord.id))) or 0)


def _naming(note: str | None, key: str) -> str:
    """A record kept without its delivery's slot still says which delivery it was."""
    return "; ".join(filter(None, (note, f"a repeat of Slack delivery {key}")))


def _storable(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: kept visibly as ``\\x00`` so the record is written."""
    return value.replace("\x00", "\\x00") if isinstance(value, str) else value
