"""The audit trail: append-only; read back newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import AuditRecord


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    async def record(self, **values: Any) -> bool:
        """Append a record; False if one for the same Slack delivery exists already."""
        # A plain INSERT: the ORM's unit of work costs more than the write itself.
        stmt: Insert = insert(AuditRecord)
        if values.get("delivery") is not None:
            stmt = self._once(values)
        async with self._sessions.begin() as session:
            result = await session.execute(stmt.values(**values))
        return bool(getattr(result, "rowcount", 1))

    def _once(self, values: dict[str, Any]) -> Insert:
        # A delivery taken over from a dead replica may be processed a second time.
        if self._dialect == "postgresql":
            return postgresql.insert(AuditRecord).on_conflict_do_nothing(
                index_elements=["delivery"]
            )
        if self._dialect == "sqlite":
            return sqlite.insert(AuditRecord).on_conflict_do_nothing(index_elements=["delivery"])
        return insert(AuditRecord)

    async def recent(self, limit: int, *, actor: str | None = None) -> Sequence[AuditRecord]:
        stmt = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if actor is not None:
            stmt = stmt.where(AuditRecord.actor == actor)
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count(AuditRecord.id))) or 0)
