"""Reminders and escalations about pending approvals: each claimed by one INSERT, so
it goes out once however many replicas look at the same request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Nudge


class Nudges:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim(self, operation_id: int, kind: str, *, at: float, sender: str) -> bool:
        """True for the one caller whose row went in; a unique key refuses the rest."""
        try:
            async with self._sessions.begin() as session:
                session.add(Nudge(operation_id=operation_id, kind=kind, at=at, sender=sender))
        except IntegrityError:
            return False
        return True

    async def sent(self, operation_id: int) -> set[str]:
        stmt = select(Nudge.kind).where(Nudge.operation_id == operation_id)
        async with self._sessions() as session:
            return set((await session.scalars(stmt)).all())
