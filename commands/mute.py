"""`mute <room> <user> [--for 10m] [--reason "…"]`: block a user's audio and video.

Uses SetUserBlocked with IsMute=1 (audio and video), the value both the older
and the newer documentation define. A timed mute is stored and lifted by the
core's background tick, across restarts; a successful mute offers Undo.

A user has one mute state. Muting someone already muted says so in the
confirmation and, confirmed, replaces the old mute: its timer no longer fires and
its message loses its Undo. `unmute` ends whatever mute is in force, and edits
its message too.
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
    code,
    format_duration,
    person,
    present_users,
    when,
)
from bot.core.notice import Notice
from bot.store import Mute, MuteState, OperationState
from bot.trtc.models import MuteMode
from commands.actions import room_action


def _length(length: int | None) -> str:
    return f"a {format_duration(length)} mute" if length else f"a mute until {code('unmute')}"


def _standing(mute: Mute) -> str:
    until = f"until {when(mute.until)}" if mute.until else "until someone unmutes"
    by = person(mute.muted_by)
    return f"{mute.user_id} is already muted {until} by {by} (#{mute.operation_id})"


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room, user, length = args.room, args["user"], args["for"]
    call, present = await present_users(ctx.trtc, room, ctx.now)
    lines = [f"Application {room.sdkappid}, room {room.room}: block {user}'s audio and video."]
    standing = await ctx.services.store.mutes.in_force(room.sdkappid, room.room, user)
    if standing:
        lines.append(f"{_standing(standing[-1])}; confirming replaces it with {_length(length)}.")
    if call is None or user not in {u.user_id for u in present}:
        lines.append(f"{user} does not look present in the room right now.")
    lines.append(
        f"Lifted automatically after {format_duration(length)}."
        if length
        else f"Stays until someone runs {code('unmute')} (add --for 10m for a timed mute)."
    )
    what = f"mute {user} in room {room}" + (f" for {format_duration(length)}" if length else "")
    if standing:
        what = f"replace {user}'s mute in room {room} with {_length(length)}"
    return what, lines


async def run(ctx: Context, args: Args) -> Reply:
    room, user, length = args.room, args["user"], args["for"]
    request_id = await ctx.trtc.set_user_blocked(
        room.sdkappid, room.api_room, user, MuteMode.AUDIO_AND_VIDEO
    )
    now = ctx.now
    mutes = ctx.services.store.mutes
    for old in await mutes.in_force(room.sdkappid, room.room, user):
        if await mutes.transition(old.id, MuteState.ACTIVE, MuteState.REPLACED):
            await _end(
                ctx, old, f"replaced by #{ctx.operation_id}" if ctx.operation_id else "replaced"
            )
    await mutes.add(
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
    until = f" until {when(now + length)}" if length else ""
    return Reply(
        headline=f"Muted {user} in room {room}{until}",
        severity=Severity.SUCCESS,
        fields=(("RequestId", request_id),),
        request_ids=(request_id,),
    )


async def unmute(ctx: Context, room_args: Args) -> Reply:
    """Unblock and end the mute in force, so no timer fires later; a mute ended here
    that another message offers to undo has that message edited (no live Undo)."""
    room, user = room_args.room, room_args["user"]
    request_id = await ctx.trtc.set_user_blocked(
        room.sdkappid, room.api_room, user, MuteMode.UNBLOCK
    )
    mutes = ctx.services.store.mutes
    for mute in await mutes.active_for(room.sdkappid, room.room, user):
        ended = await mutes.transition(mute.id, MuteState.ACTIVE, MuteState.UNDONE)
        if ended and mute.operation_id != ctx.operation_id:  # an Undo edits its own message
            await _end(ctx, mute, f"unmuted by {person(ctx.invocation.actor)}")
    return Reply(
        headline=f"Unmuted {user} in room {room}",
        severity=Severity.SUCCESS,
        fields=(("RequestId", request_id),),
        request_ids=(request_id,),
    )


async def _end(ctx: Context, mute: Mute, why: str) -> None:
    """The mute's own operation is over: it cannot be undone any more, and its
    messages say why (their Undo button goes)."""
    if mute.operation_id is None:
        return
    await ctx.services.store.operations.transition(
        mute.operation_id,
        [OperationState.SUCCEEDED, OperationState.UNKNOWN],
        OperationState.UNDONE,
        outcome=f"no longer in force: {why}",
        decided_by=ctx.invocation.actor,
        decided_at=ctx.now,
    )
    reply = Reply(
        headline=f"#{mute.operation_id} {mute.user_id}'s mute in room {mute.room_ref} is no "
        f"longer in force: {why}",
        operation_id=mute.operation_id,
    )
    await ctx.tell(Notice(mute.channel, mute.thread, reply))


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
