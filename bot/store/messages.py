"""Which Slack messages show an operation, so all of them change together.

An approval appears in the incident thread and in the approvals channel (and
a slash command's parent message sums it up); when the request is decided,
executed or expires, every one of them is edited in place. Kept in the
database so a restart still updates yesterday's buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import SlackMessage


class Style(StrEnum):
    FULL = "full"  # the whole reply, with its buttons
    SUMMARY = "summary"  # a slash command's parent message: one line


@dataclass(frozen=True, slots=True)
class Shown:
    channel: str
    ts: str
    style: Style
    actor: str | None = None
    command: str | None = None


class Messages:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, operation_id: int, shown: Shown, *, now: float) -> None:
        row = SlackMessage(
            operation_id=operation_id,
            channel=shown.channel,
            ts=shown.ts,
            style=shown.style.value,
            actor=shown.actor,
            command=shown.command,
            created_at=now,
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            pass  # already tracked: the same message shown again

    async def of(self, operation_id: int) -> list[Shown]:
        stmt = (
            select(SlackMessage)
            .where(SlackMessage.operation_id == operation_id)
            .order_by(SlackMessage.id)
        )
        async with self._sessions() as session:
            rows: Sequence[SlackMessage] = (await session.scalars(stmt)).all()
        return [Shown(r.channel, r.ts, Style(r.style), r.actor, r.command) for r in rows]

    async def operation_at(self, channel: str, ts: str) -> int | None:
        """The operation a message shows (the one whose button was pressed)."""
        stmt = select(SlackMessage.operation_id).where(
            SlackMessage.channel == channel, SlackMessage.ts == ts
        )
        async with self._sessions() as session:
            found = await session.scalar(stmt)
        return int(found) if found is not None else None
