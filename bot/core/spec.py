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

    @property
    def usage(self) -> str:
        return f"[--{self.name} {self.metavar or self.name}]"


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
        rooms = {p.name for p in spec.params if p.kind is ParamKind.ROOM}
        return cls({k: (RoomRef.from_json(v) if k in rooms else v) for k, v in data.items()})


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
    # Mutating commands are confirmed first; preview says exactly what will happen.
    preview: Preview | None = None
    # Reverses a successful run (mute → unmute); offered as an Undo button.
    undo: Handler | None = None
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

    @property
    def mutating(self) -> bool:
        return self.preview is not None

    @property
    def usage(self) -> str:
        parts = [self.name, *(p.usage for p in self.params), *(o.usage for o in self.options)]
        return " ".join(parts)
