"""Exactly once from Slack: each delivery is claimed once, in the database.

Slack redelivers an event it thinks we missed (``X-Slack-Retry-Num``), and a
Socket Mode envelope can arrive twice; a click can be replayed. The first
claim of a key wins (a primary-key insert, so it holds across tasks and
replicas); later ones are acknowledged and dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables import Base

log = logging.getLogger(__name__)

# Slack's last retry comes about 5 minutes after the first try; keep keys well past it.
KEEP_S = 3600.0
_PRUNE_EVERY = 500


class SlackDelivery(Base):
    """A Slack delivery already taken: an event id or a button click."""

    __tablename__ = "slack_deliveries"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    at: Mapped[float] = mapped_column(index=True)


def delivery_key(body: Mapping[str, Any]) -> str | None:
    """The identity of one delivery, or None for payloads Slack never repeats."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        container = body.get("container") or {}
        where = container.get("message_ts") or container.get("view_id") or ""
        # Each click has its own trigger_id (and action_ts); a replay repeats both.
        click = body.get("trigger_id") or actions[0].get("action_ts") or ""
        return f"action:{actions[0].get('action_id', '')}:{where}:{click}"[:255]
    return None


class Deliveries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._claims = 0

    async def claim(self, key: str, now: float) -> bool:
        """True for the first claim of ``key``; False for every repeat."""
        try:
            async with self._sessions.begin() as session:
                session.add(SlackDelivery(key=key, at=now))
        except IntegrityError:
            return False
        self._claims += 1
        if self._claims % _PRUNE_EVERY == 0:
            await self.prune(now - KEEP_S)
        return True

    async def prune(self, before: float) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(SlackDelivery).where(SlackDelivery.at < before))
