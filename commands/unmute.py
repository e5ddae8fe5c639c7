"""`unmute <room> <user>`: unblock at once; restoring needs no confirmation."""

from __future__ import annotations

from bot.core.spec import CommandSpec, Kind, Param
from commands.actions import room_action
from commands.mute import unmute

SPEC = CommandSpec(
    name="unmute",
    summary="Unblock a user's audio and video",
    example="unmute 1234 bob",
    run=unmute,
    params=(Param("room", Kind.ROOM), Param("user", Kind.USER)),
    action=room_action("SetUserBlocked"),
)
