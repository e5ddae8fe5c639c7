"""`mute <room> <user> [--for 10m] [--reason "…"]`: block a user's audio and video.

Uses SetUserBlocked with IsMute=1 (audio and video), the value both the older
and the newer documentation define. A timed mute is stored and lifted by the
core's background tick, across restarts; a successful mute offers Undo.
"""

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
    clock_time,
    format_duration,
    present_users,
)
from bot.store import MuteState
from bot.trtc.models import MuteMode
from commands.actions import room_action


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room, user, length = args.room, args["user"], args["for"]
    call, present = await present_users(ctx.trtc, room, ctx.now)
    lines = [f"Application {room.sdkappid}, room {room.room}: block {user}'s audio and video."]
    if call is None or user not in {u.user_id for u in present}:
        lines.append(f"{user} does not look present in the room right now.")
    lines.append(
        f"Lifted automatically after {format_duration(length)}."
        if length
        else "Stays until someone runs `unmute` (add --for 10m for a timed mute)."
    )
    what = f"mute {user} in room {room}" + (f" for {format_duration(length)}" if length else "")
    return what, lines


async def run(ctx: Context, args: Args) -> Reply:
    room, user, length = args.room, args["user"], args["for"]
    request_id = await ctx.trtc.set_user_blocked(
        room.sdkappid, room.api_room, user, MuteMode.AUDIO_AND_VIDEO
    )
    now = ctx.now
    await ctx.services.store.mutes.add(
        sdkappid=room.sdkappid,
        room=room.room,
        room_numeric=room.numeric,
        user_id=user,
        mode=int(MuteMode.AUDIO_AND_VIDEO),
        muted_by=ctx.invocation.actor,
        channel=ctx.invocation.channel,
        thread=ctx.invocation.thread,
        created_at=now,
        until=now + length if length else None,
        operation_id=ctx.operation_id,
    )
    until = f" until {clock_time(now + length)}" if length else ""
    return Reply(
        headline=f"Muted {user} in room {room}{until}",
        severity=Severity.SUCCESS,
        fields=(("RequestId", request_id),),
        request_ids=(request_id,),
    )


async def unmute(ctx: Context, room_args: Args) -> Reply:
    """Unblock and close every open mute of the user, so no timer fires later."""
    room, user = room_args.room, room_args["user"]
    request_id = await ctx.trtc.set_user_blocked(
        room.sdkappid, room.api_room, user, MuteMode.UNBLOCK
    )
    mutes = ctx.services.store.mutes
    for mute in await mutes.active_for(room.sdkappid, room.room, user):
        await mutes.transition(mute.id, MuteState.ACTIVE, MuteState.UNDONE)
    return Reply(
        headline=f"Unmuted {user} in room {room}",
        severity=Severity.SUCCESS,
        fields=(("RequestId", request_id),),
        request_ids=(request_id,),
    )


SPEC = CommandSpec(
    name="mute",
    summary="Block a user's audio and video, optionally for a time (asks for confirmation)",
    example='mute 1234 bob --for 10m --reason "echo"',
    run=run,
    preview=preview,
    undo=unmute,
    params=(Param("room", ParamKind.ROOM), Param("user", ParamKind.USER)),
    options=(
        Option("for", ParamKind.DURATION, default=None, minimum=10, maximum=86400, metavar="10m"),
        Option("reason", ParamKind.TEXT, metavar='"…"'),
    ),
    action=room_action("SetUserBlocked"),
    requires=("SetUserBlocked",),
)
