"""Every table the bot stores, in one metadata: what migrations are checked against."""

from __future__ import annotations

from sqlalchemy import MetaData

from bot.store.tables import Base


def metadata() -> MetaData:
    return Base.metadata
