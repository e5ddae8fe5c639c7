"""Persistence on SQLAlchemy (async): every table the bot keeps, reached from one ``Store``."""

from bot.store.database import Store
from bot.store.tables import (
    AuditRecord,
    Elevation,
    ElevationState,
    Mute,
    MuteState,
    Operation,
    OperationState,
)

__all__ = [
    "AuditRecord",
    "Elevation",
    "ElevationState",
    "Mute",
    "MuteState",
    "Operation",
    "OperationState",
    "Store",
]
