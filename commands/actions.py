"""The CAM action a command needs, derived from its arguments."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import Args, RoomRef


def room_action(api: str) -> Callable[[Args], str]:
    """``trtc:RemoveUser`` for numeric rooms, ``trtc:RemoveUserByStrRoomId`` for string rooms.

    Without a room (help, whoami) the numeric name stands for the command.
    """

    def action(args: Args) -> str:
        room = args.get("room")
        if isinstance(room, RoomRef) and not room.numeric:
            return f"trtc:{api}ByStrRoomId"
        return f"trtc:{api}"

    return action


def fixed_action(name: str) -> Callable[[Args], str]:
    return lambda _args: name
