"""`kick <room> <user>… [--reason "…"]`: remove users from a live room."""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Option,
    Param,
    ParamKind,
    Reply,
    Severity,
    present_users,
)
from commands.actions import room_action


def _names(users: list[str]) -> str:
    return ", ".join(users)


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room, users = args.room, args["users"]
    call, present = await present_users(ctx.trtc, room, ctx.now)
    lines = [
        f"Application {room.sdkappid}, room {room.room} "
        f"({'numeric' if room.numeric else 'string'} id)."
    ]
    if call is None:
        lines.append("The room does not look live right now; TRTC may answer RoomNotExist.")
    else:
        here = {u.user_id for u in present}
        absent = [u for u in users if u not in here]
        if absent:
            lines.append(f"Not in the room now: {_names(absent)}.")
    lines.append("They can rejoin unless your app stops them; use `mute` to silence instead.")
    return f"remove {_names(users)} from room {room}", lines


async def run(ctx: Context, args: Args) -> Reply:
    room, users = args.room, args["users"]
    request_ids = await ctx.trtc.remove_users(room.sdkappid, room.api_room, users)
    return Reply(
        headline=f"Removed {_names(users)} from room {room}",
        severity=Severity.SUCCESS,
        fields=(("RequestId", ", ".join(request_ids)),),
        request_ids=tuple(request_ids),
    )


async def verify(ctx: Context, args: Args) -> bool | None:
    """After a crash: the kick took effect if none of the users is in the room."""
    _, present = await present_users(ctx.trtc, args.room, ctx.now)
    here = {u.user_id for u in present}
    return not any(user in here for user in args["users"])


SPEC = CommandSpec(
    name="kick",
    summary="Remove users from a room (asks for confirmation)",
    example='kick 1234 alice --reason "spamming the call"',
    run=run,
    preview=preview,
    verify=verify,
    params=(Param("room", ParamKind.ROOM), Param("users", ParamKind.USER, variadic=True)),
    options=(Option("reason", ParamKind.TEXT, metavar='"…"'),),
    action=room_action("RemoveUser"),
)
