"""The audit trail: append-only; read back newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.inserts import insert_new
from bot.store.tables import AuditRecord


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    async def record(self, **values: Any) -> bool:
        """Append a record; False if one for the same Slack delivery exists already."""
        # A plain INSERT: the ORM's unit of work costs more than the write itself.
        # A delivery taken over from a dead replica may be processed a second time.
        stmt = insert_new(AuditRecord, self._dialect, "delivery")
        values = {k: _storable(v) for k, v in values.items()}
        async with self._sessions.begin() as session:
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


def _storable(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: kept visibly as ``\\x00`` so the record is written."""
    return value.replace("\x00", "\\x00") if isinstance(value, str) else value
