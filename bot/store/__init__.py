"""Persistence on SQLAlchemy (async): operations, audit records, timed mutes."""

from bot.store.database import Store
from bot.store.tables import AuditRecord, Mute, MuteState, Operation, OperationState

__all__ = ["AuditRecord", "Mute", "MuteState", "Operation", "OperationState", "Store"]
