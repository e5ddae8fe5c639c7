"""Every table the bot stores, declared in this package by
subject; importing it registers them all.

Times are Unix seconds (float) from the injected clock. What a row *means* is
the business of the module that reads it (``bot/store/<noun>.py``).
"""

from __future__ import annotations

from bot.store.tables.bans import Ban, BanRejoin
from bot.store.tables.base import Base
from bot.store.tables.core import AuditRecord, Mute, MuteState, Operation, OperationState, Replica
from bot.store.tables.recordings import Recording, RecordingEvent, RecordingFile, RecordingState
from bot.store.tables.rooms import CallbackRecord, RelayTask, RosterRoom, RosterUser, Watch
from bot.store.tables.slack import SlackDelivery, SlackMessage
from bot.store.tables.work import Elevation, ElevationState, Nudge, PaceRow, ScheduleRun

__all__ = [
    "AuditRecord",
    "Ban",
    "BanRejoin",
    "Base",
    "CallbackRecord",
    "Elevation",
    "ElevationState",
    "Mute",
    "MuteState",
    "Nudge",
    "Operation",
    "OperationState",
    "PaceRow",
    "Recording",
    "RecordingEvent",
    "RecordingFile",
    "RecordingState",
    "RelayTask",
    "Replica",
    "RosterRoom",
    "RosterUser",
    "ScheduleRun",
    "SlackDelivery",
    "SlackMessage",
    "Watch",
]
