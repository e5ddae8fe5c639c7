"""`unmute <room> <user>`: unblock at once; restoring needs no confirmation."""

from __future__ import annotations

from bot.core import CommandSpec, Param, ParamKind
from commands.actions import room_action
from commands.mute import unmute

SPEC = CommandSpec(
    name="unmute",
    summary="Unblock a user's audio and video",
    example="unmute 1234 bob",
    run=unmute,
    params=(Param("room", ParamKind.ROOM), Param("user", ParamKind.USER)),
    action=room_action("SetUserBlocked"),
    requires=("SetUserBlocked",),
)
