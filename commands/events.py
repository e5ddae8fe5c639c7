"""`events <room> <user>`: one user's SDK events in the room's current (or last) call."""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    Severity,
    Table,
    calls_of,
    when,
)
from bot.trtc.events import describe
from commands.actions import fixed_action

MAX_ROWS = 40


async def run(ctx: Context, args: Args) -> Reply:
    room, user = args.room, args["user"]
    calls = await calls_of(ctx.trtc, room, ctx.now)
    if not calls:
        return Reply(f"Room {room} had no call in the last 24 h.", Severity.WARNING)
    call = calls[0]
    end = int(ctx.now) if not call.is_finished else call.destroy_time
    groups = await ctx.trtc.user_events(
        room.sdkappid,
        call.comm_id,
        room.api_room,
        user,
        call.create_time,
        max(end, call.create_time + 1),
    )
    # Groups are by sender: events about another publisher's stream name them.
    events = sorted(
        ((e, g.peer_id) for g in groups for e in g.content), key=lambda pair: pair[0].time
    )
    if not events:
        return Reply(f"No events for {user} in room {room} (call {call.comm_id}).", Severity.INFO)
    rows = tuple(
        (
            when(e.time / 1000, seconds=True, now=ctx.now),
            describe(e) + (f" (from {peer})" if peer and peer != user else ""),
        )
        for e, peer in events[-MAX_ROWS:]
    )
    more = (f"Showing the last {MAX_ROWS} of {len(events)}.",) if len(events) > MAX_ROWS else ()
    return Reply(
        headline=f"{len(events)} events for {user} in room {room} (call {call.comm_id})",
        tables=(Table(("Time", "Event"), rows),),
        lines=more,
    )


SPEC = CommandSpec(
    name="events",
    summary="Show a user's SDK events (joins, network changes, exits) in a room",
    example="events 1234 alice",
    run=run,
    params=(Param("room", ParamKind.ROOM), Param("user", ParamKind.USER)),
    action=fixed_action("trtc:DescribeUserEvent"),
)
