"""The core: one pipeline for every way in (parse, authorize, confirm or approve, run,
audit, notify). What a command author needs is re-exported here, so a command
module imports ``from bot.core import …`` and nothing deeper from the core."""

from bot.core.authorizer import Person
from bot.core.context import Context
from bot.core.hints import lag_note
from bot.core.markup import ask, code, person, when
from bot.core.reply import Attachment, Reply, Severity, Table, run_action
from bot.core.rooms import (
    Presence,
    Source,
    calls_of,
    live_call,
    live_presence,
    present_users,
)
from bot.core.spec import AUTHORIZE_AS, AUTHORIZE_ROOM, Args, CommandSpec, Option, Param, ParamKind
from bot.core.values import BadValue, clock_time, format_duration
from bot.trtc.errors import TrtcApiError, TrtcError
from bot.trtc.rooms import RoomRef

__all__ = [
    "AUTHORIZE_AS",
    "AUTHORIZE_ROOM",
    "Args",
    "Attachment",
    "BadValue",
    "CommandSpec",
    "Context",
    "Option",
    "Param",
    "ParamKind",
    "Person",
    "Presence",
    "Reply",
    "RoomRef",
    "Severity",
    "Source",
    "Table",
    "TrtcApiError",
    "TrtcError",
    "ask",
    "calls_of",
    "clock_time",
    "code",
    "format_duration",
    "lag_note",
    "live_call",
    "live_presence",
    "person",
    "present_users",
    "run_action",
    "when",
]
