"""`mute <room> <user> [--audio | --video] [--for 10m] [--reason "…"]`: block a user's media.

Uses SetUserBlocked's IsMute: 1 blocks audio and video (the value both the older
and the newer documentation define), 2 audio only and 3 video only (the newer
international pages, 2025: trtc.io/document/51289; the 2024-03 pages list only 0
and 1). A timed mute is stored and lifted by the core's background tick, across
restarts; a successful mute offers Undo. Unblocking is IsMute=0 whatever the kind.

A user has one mute state, whatever its kind. Muting someone already muted says so
in the confirmation and, confirmed, replaces the old mute (an audio mute by a video
mute too: IsMute sets the whole state, so the other kind is allowed again): its
timer no longer fires and its message loses its Undo. `unmute` ends whatever mute
is in force, and edits its message too.
"""

from __future__ import annotations

from bot.core import (
    Args,
    BadValue,
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

_BLOCKS = {1: {"audio", "video"}, 2: {"audio"}, 3: {"video"}}
# What each IsMute blocks, in words.
KINDS = {
    MuteMode.AUDIO_AND_VIDEO: "audio and video",
    MuteMode.AUDIO: "audio",
    MuteMode.VIDEO: "video",
}


def mode_of(args: Args) -> MuteMode:
    """--audio: IsMute 2, --video: 3, neither: 1 (both)."""
    if args.get("audio"):
        return MuteMode.AUDIO
    if args.get("video"):
        return MuteMode.VIDEO
    return MuteMode.AUDIO_AND_VIDEO


def stored_mode(mode: int) -> MuteMode:
    """A stored mute's mode (an unknown value — a damaged row — counts as both)."""
    try:
        return MuteMode(mode) if mode in _BLOCKS else MuteMode.AUDIO_AND_VIDEO
    except ValueError:
        return MuteMode.AUDIO_AND_VIDEO


def _check(args: Args, now: float) -> None:
    if args.get("audio") and args.get("video"):
        raise BadValue(
            "--audio and --video exclude each other: leave both out to block audio and video"
        )


def _length(length: int | None, mode: MuteMode) -> str:
    kind = "" if mode is MuteMode.AUDIO_AND_VIDEO else f"{KINDS[mode]} "
    if length:
        return f"a {format_duration(length)} {kind}mute"
    return f"{'an' if kind.startswith('a') else 'a'} {kind}mute until {code('unmute')}"


def _whose(user: str, mode: MuteMode) -> str:
    """``bob`` for a full mute (the words people know), ``bob's audio`` for a partial one."""
    return user if mode is MuteMode.AUDIO_AND_VIDEO else f"{user}'s {KINDS[mode]}"


def _standing(mute: Mute) -> str:
    until = f"until {when(mute.until, seconds=True)}" if mute.until else "until someone unmutes"
    whose = _whose(mute.user_id, stored_mode(mute.mode))
    return f"{whose} is already muted {until} by {person(mute.muted_by)} (#{mute.operation_id})"


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room, user, length = args.room, args["user"], args["for"]
    mode = mode_of(args)
    now = await present_users(ctx, room)
    lines = [f"Application {room.sdkappid}, room {room.room}: block {user}'s {KINDS[mode]}."]
    standing = await ctx.services.store.mutes.in_force(room.sdkappid, room.room, user)
    if standing:
        old = standing[-1]
        lines.append(f"{_standing(old)}; confirming replaces it with {_length(length, mode)}.")
        if old.mode != mode:
            allowed = _allowed_again(old.mode, mode)
            if allowed:
                lines.append(f"{user}'s {allowed} is allowed again: a user has one mute state.")
    if not now.live or user not in now.user_ids:
        lines.append(f"{user} does not look present in the room right now. {now.note}")
    lines.append(
        f"Lifted automatically after {format_duration(length)}."
        if length
        else f"Stays until someone runs {code('unmute')} (add --for 10m for a timed mute)."
    )
    what = f"mute {_whose(user, mode)} in room {room}" + (
        f" for {format_duration(length)}" if length else ""
    )
    if standing:
        what = f"replace {user}'s mute in room {room} with {_length(length, mode)}"
    return what, lines


def _allowed_again(old: int, new: MuteMode) -> str:
    """What the old mute blocked that the new one does not ("" if nothing)."""
    return " and ".join(sorted(_BLOCKS.get(old, set()) - _BLOCKS[int(new)]))


async def run(ctx: Context, args: Args) -> Reply:
    room, user, length = args.room, args["user"], args["for"]
    mode = mode_of(args)
    request_id = await ctx.trtc.set_user_blocked(room.sdkappid, room.api_room, user, mode)
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
        mode=int(mode),
        muted_by=ctx.invocation.actor,
        channel=ctx.invocation.channel,
        thread=ctx.invocation.thread,
        created_at=now,
        until=now + length if length else None,
        operation_id=ctx.operation_id,
    )
    until = f" until {when(now + length, seconds=True)}" if length else ""
    return Reply(
        headline=f"Muted {_whose(user, mode)} in room {room}{until}",
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
    summary="Block a user's audio and video (or --audio, --video only), optionally for a time "
    "(asks for confirmation)",
    example='mute 1234 bob --audio --for 10m --reason "echo"',
    run=run,
    preview=preview,
    undo=unmute,
    check=_check,
    params=(Param("room", ParamKind.ROOM), Param("user", ParamKind.USER)),
    options=(
        Option("audio", ParamKind.FLAG),
        Option("video", ParamKind.FLAG),
        Option("for", ParamKind.DURATION, default=None, minimum=10, maximum=86400, metavar="10m"),
        Option("reason", ParamKind.TEXT, metavar='"…"'),
    ),
    action=room_action("SetUserBlocked"),
    requires=("SetUserBlocked",),
)
