"""A room in an application, as TRTC's APIs need it and people name it.

TRTC has two API variants per room operation: numeric rooms (``RemoveUser``) and
string rooms (``…ByStrRoomId``); ``numeric`` picks which. Stored rows (a mute, a
watch) give one back, so nothing rebuilds it from loose columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
