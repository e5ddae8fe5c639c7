"""A room in an application, as TRTC's APIs need it and people name it.

TRTC has two API variants per room operation: numeric rooms (``RemoveUser``) and
string rooms (``…ByStrRoomId``); ``numeric`` picks which. Stored rows (a mute, a
watch) give one back, so nothing rebuilds it from loose columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# The one rule for a room id, everywhere (the grammar, the simulator): a number is a
# numeric room, 1 … 4294967294 (uint32 but the last); anything else is a string room of
# 1 to 64 bytes of letters, digits, spaces and ``!#$%&()+-:;<=.>?@[]^_{}|~,`` (TRTC's
# documented strRoomId characters; trtc-server-api.md §6: numeric and string rooms are
# different rooms).
MAX_NUMERIC_ROOM = 4_294_967_294
MAX_STR_ROOM_BYTES = 64
STR_ROOM_SYMBOLS = " !#$%&()+-:;<=.>?@[]^_{}|~,"
STR_ROOM = re.compile(r"[A-Za-z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]+")


def room_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a room id by that rule, or None."""
    if text.isascii() and text.isdigit():
        if text.startswith("0"):
            return (
                f"room {text[:20]} is not a numeric room: numeric rooms are 1 to "
                f"{MAX_NUMERIC_ROOM}, written without leading zeros"
            )
        if int(text) > MAX_NUMERIC_ROOM:
            return f"room {text[:20]} is out of range: numeric rooms are 1 to {MAX_NUMERIC_ROOM}"
        return None
    size = len(text.encode())
    if not text or size > MAX_STR_ROOM_BYTES:
        return f"room id is {size} bytes; a string room id is at most {MAX_STR_ROOM_BYTES}"
    if not STR_ROOM.fullmatch(text):
        return (
            f"{text!r} is not a TRTC room id: a number, or letters, digits, spaces and "
            f"{STR_ROOM_SYMBOLS.strip()} (string room)"
        )
    return None


# Every room of an application (a ban's ``*``): no TRTC room id is a lone star.
EVERY_ROOM = "*"


@dataclass(frozen=True, slots=True)
class RoomRef:
    """A room in an application: ``numeric`` picks the API variant."""

    sdkappid: int
    room: str
    numeric: bool
    app_name: str | None = None

    @property
    def everywhere(self) -> bool:
        """``*``: not a room TRTC knows, but every room of the application."""
        return self.room == EVERY_ROOM

    @property
    def api_room(self) -> int | str:
        return int(self.room) if self.numeric else self.room

    def __str__(self) -> str:
        app = self.app_name or str(self.sdkappid)
        return f"{app}/{self.room}"

    def to_json(self) -> dict[str, object]:
        return {
            "sdkappid": self.sdkappid,
            "room": self.room,
            "numeric": self.numeric,
            "app_name": self.app_name,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RoomRef:
        name = data.get("app_name")
        return cls(
            sdkappid=int(str(data["sdkappid"])),
            room=str(data["room"]),
            numeric=bool(data["numeric"]),
            app_name=str(name) if name else None,
        )
