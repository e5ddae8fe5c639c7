"""`dismiss <room> [--reason "…"]`: end the call for everyone in it."""

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

SHOWN = 10


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room = args.room
    now = await present_users(ctx, room)
    if not now.live:
        return f"dismiss room {room}", [
            "The room does not look live right now; TRTC may answer RoomNotExist.",
            now.note,
        ]
    names = sorted(now.user_ids)
    call = f", call {now.call.comm_id}" if now.call is not None else ""
    shown = ", ".join(names[:SHOWN]) + (
        f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    )
    return f"dismiss room {room}, disconnecting {len(names)} users", [
        f"Blast radius: {len(names)} users are in the room now{': ' + shown if names else ''}.",
        f"Application {room.sdkappid}{call}: everyone is removed, the room closes.",
        now.note,
    ]


async def run(ctx: Context, args: Args) -> Reply:
    room = args.room
    request_id = await ctx.trtc.dismiss_room(room.sdkappid, room.api_room)
    return Reply(
        headline=f"Dismissed room {room}",
        severity=Severity.SUCCESS,
        fields=(("RequestId", request_id),),
        request_ids=(request_id,),
    )


async def verify(ctx: Context, args: Args) -> bool | None:
    """After a crash: the dismiss took effect if the room is no longer live."""
    return not (await present_users(ctx, args.room)).live


SPEC = CommandSpec(
    name="dismiss",
    summary="End a room for everyone in it (asks for confirmation)",
    example='dismiss 1234 --reason "abuse"',
    run=run,
    preview=preview,
    verify=verify,
    params=(Param("room", ParamKind.ROOM),),
    options=(Option("reason", ParamKind.TEXT, metavar='"…"'),),
    action=room_action("DismissRoom"),
)
