"""A command is data: its grammar, the CAM action it needs, and its handlers.

Each module in ``commands/`` declares one ``CommandSpec``; the registry orders
them; help, parsing and authorization are all derived from the specs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.trtc.rooms import RoomRef

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.reply import Reply


class ParamKind(StrEnum):
    ROOM = "room"
    USER = "user"
    DURATION = "duration"
    COUNT = "count"
    TEXT = "text"
    SLACK_USER = "slack-user"
    COMMAND = "command"
    CLOCK = "clock"  # HH:MM, UTC: minutes after midnight
    APP = "app"  # an application: a configured name or an SdkAppId → int
    FLAG = "flag"  # an option that takes no value: ``--audio`` (True when given)
    URL = "url"  # scheme://host/…; kept whole in the arguments, masked wherever shown
    TASK = "task"  # a TRTC TaskId (relay, ingest): opaque, one word
    ROOM_OR_TASK = "room-or-task"  # longer than a room id can be: a TaskId, else a room

    @property
    def names_room(self) -> bool:
        """Arguments of this kind may hold a room (authorization, ``Args.from_json``)."""
        return self in (ParamKind.ROOM, ParamKind.ROOM_OR_TASK)


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    optional: bool = False
    variadic: bool = False  # one or more
    everywhere: bool = False  # a ROOM that may be ``*``: every room of the application

    @property
    def usage(self) -> str:
        name = f"{self.name}|*" if self.everywhere else self.name
        shown = f"<{name}>" + ("…" if self.variadic else "")
        return f"[{shown}]" if self.optional else shown


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    kind: ParamKind
    default: Any = None
    minimum: int = 0
    maximum: int = 0
    metavar: str = ""
    # Always needed (``relay start --url``): shown without brackets, refused when absent.
    required: bool = False

    @property
    def usage(self) -> str:
        if self.kind is ParamKind.FLAG:
            return f"[--{self.name}]"
        shown = f"--{self.name} {self.metavar or self.name}"
        return shown if self.required else f"[{shown}]"


class Args(dict[str, Any]):
    """Parsed arguments; stored as JSON with an operation and rebuilt on execution."""

    @property
    def room(self) -> RoomRef:
        value = self["room"]
        assert isinstance(value, RoomRef)
        return value

    def to_json(self) -> dict[str, Any]:
        return {k: (v.to_json() if isinstance(v, RoomRef) else v) for k, v in self.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], spec: CommandSpec) -> Args:
        rooms = {p.name for p in spec.params if p.kind.names_room} | {AUTHORIZE_ROOM}
        return cls(
            {
                k: (RoomRef.from_json(v) if k in rooms and isinstance(v, dict) else v)
                for k, v in data.items()
            }
        )


# An argument a spec's ``weigh`` hook adds: a further CAM action the request is also
# authorized as (a kick of everyone in a room is a dismiss); the stricter decision wins.
AUTHORIZE_AS = "authorize_as"
# An argument a spec's ``locate`` hook adds: the room a command acts in when its own
# arguments name none (``relay stop <task>``: the stored task's room), authorized as if
# typed, so a room's or an application's deny applies.
AUTHORIZE_ROOM = "authorize_room"

Handler = Callable[["Context", Args], Awaitable["Reply"]]
Preview = Callable[["Context", Args], Awaitable[tuple[str, list[str]]]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    summary: str
    example: str
    run: Handler
    params: tuple[Param, ...] = ()
    options: tuple[Option, ...] = ()
    # The CAM action the command performs, from its arguments (numeric or string
    # room variant). None: nothing to authorize (help, whoami).
    action: Callable[[Args], str] | None = None
    # Further CAM actions its run calls (``usage``: every usage API the view reads): each
    # is authorized too, and a refusal names the one refused.
    also: Callable[[Args], tuple[str, ...]] | None = None
    # Mutating commands are confirmed first; preview says exactly what will happen.
    preview: Preview | None = None
    # Reverses a successful run (mute → unmute); offered as an Undo button.
    undo: Handler | None = None
    # The Undo button's words (a recording's is "Stop recording").
    undo_label: str = "Undo"
    # After a crash mid-run: did it take effect? True / False, None when TRTC
    # offers no way to tell. Never re-runs anything.
    verify: Callable[[Context, Args], Awaitable[bool | None]] | None = None
    # The arguments checked together once each has parsed (options that exclude each
    # other, a window too long; ``now`` is the core's clock): raises BadValue saying
    # what to ask instead, so the grammar refuses it and it is audited as bad input.
    check: Callable[[Args, float], None] | None = None
    # TRTC actions the command cannot do without that not every site offers
    # (SetUserBlocked: international only). On a site without one, the grammar refuses
    # the command before any call and help leaves it out (bot/trtc/sites.py).
    requires: tuple[str, ...] = ()
    # Condition values the arguments give (elevate: ``chatops:elevation_seconds``).
    context: Callable[[Args], Mapping[str, str]] | None = None
    # Before authorization, what the command would really do, read from TRTC: returns
    # the arguments to authorize and store, maybe with ``AUTHORIZE_AS`` (kick: everyone
    # in the room is a dismiss). Stored with the operation, so a run is judged the same.
    weigh: Callable[[Context, Args], Awaitable[Args]] | None = None
    # Before authorization, where the command acts when its arguments do not say, read
    # from the store: returns the arguments with ``AUTHORIZE_ROOM``. Stored likewise.
    locate: Callable[[Context, Args], Awaitable[Args]] | None = None

    @property
    def mutating(self) -> bool:
        return self.preview is not None

    @property
    def usage(self) -> str:
        parts = [self.name, *(p.usage for p in self.params), *(o.usage for o in self.options)]
        return " ".join(parts)
