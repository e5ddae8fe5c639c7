"""`watch <room>` / `unwatch <room>`: follow a room's events live in this thread.

Watching reads what TRTC says about the room (its events, and whether it is
live now), so it needs ``trtc:DescribeRoomInfo`` — anyone who may list rooms
may follow one; stopping a watch needs the same.
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
    TrtcError,
    clock_time,
    code,
    format_duration,
    live_call,
)
from bot.store.watches import Place
from commands.actions import fixed_action

ACTION = "trtc:DescribeRoomInfo"


def _place(ctx: Context) -> Place:
    return Place(ctx.invocation.channel, ctx.invocation.thread)


async def _live_line(ctx: Context, args: Args) -> str:
    try:
        call = await live_call(ctx.trtc, args.room, ctx.now)
    except TrtcError as exc:
        return f"Could not check whether it is live now ({exc.code}); watching anyway."
    if call is None:
        return "It is not live right now; its events will appear here when it starts."
    return f"It is live now (call {call.comm_id}, since {clock_time(call.create_time)})."


async def run_watch(ctx: Context, args: Args) -> Reply:
    room, now = args.room, ctx.now
    watch, fresh = await ctx.services.store.watches.start(
        sdkappid=room.sdkappid,
        room=room.room,
        numeric=room.numeric,
        place=_place(ctx),
        by=ctx.invocation.actor,
        now=now,
        ttl_s=ctx.services.watch_ttl_s,
    )
    lasts = format_duration(round(watch.expires_at - now))
    lines = [
        "Joins, leaves (and why: normal, timeout, kicked), role switches and a dismissal "
        "appear here, gathered into one updating message when they come in bursts.",
        await _live_line(ctx, args),
        f"The watch ends when the room is dismissed, at {clock_time(watch.expires_at)} "
        f"(in {lasts}), or with {code(f'unwatch {room}')}.",
    ]
    if ctx.invocation.thread is None:
        lines.append(f"Run {code('watch')} inside the incident thread to keep the events there.")
    headline = (
        f"Watching room {room} here"
        if fresh
        else f"Already watching room {room} here; renewed for {lasts}"
    )
    return Reply(headline=headline, severity=Severity.SUCCESS, lines=tuple(lines))


async def run_unwatch(ctx: Context, args: Args) -> Reply:
    room, watch_id = args.room, args.get("watch")
    watches = ctx.services.store.watches
    if watch_id is not None:  # `watches`' button: that watch, from any thread of the channel
        stopped = await watches.stop_one(
            watch_id,
            sdkappid=room.sdkappid,
            room=room.room,
            numeric=room.numeric,
            channel=ctx.invocation.channel,
            now=ctx.now,
        )
        if not stopped:
            return Reply(
                headline=f"Watch #{watch_id} of room {room} is not in force in this channel; "
                "nothing changed.",
                severity=Severity.WARNING,
            )
        return Reply(
            headline=f"Stopped watch #{watch_id} of room {room}.", severity=Severity.SUCCESS
        )
    stopped = await watches.stop(
        sdkappid=room.sdkappid,
        room=room.room,
        numeric=room.numeric,
        place=_place(ctx),
        now=ctx.now,
    )
    if not stopped:
        return Reply(
            headline=f"Room {room} is not being watched here; nothing changed.",
            severity=Severity.WARNING,
            lines=("Numeric 1234 and string room ids are different rooms.",),
        )
    return Reply(headline=f"Stopped watching room {room} here.", severity=Severity.SUCCESS)


SPEC = CommandSpec(
    name="watch",
    summary="Post a room's joins, leaves and kicks in this thread as they happen",
    example="watch 1234",
    run=run_watch,
    params=(Param("room", ParamKind.ROOM),),
    action=fixed_action(ACTION),
)

UNWATCH_SPEC = CommandSpec(
    name="unwatch",
    summary="Stop posting a room's events in this thread (--watch N: that watch of the channel)",
    example="unwatch 1234",
    run=run_unwatch,
    params=(Param("room", ParamKind.ROOM),),
    options=(Option("watch", ParamKind.COUNT, minimum=1, maximum=2**31 - 1, metavar="N"),),
    action=fixed_action(ACTION),
)
