"""`bans [room]`: the bans in force — who, where, until, by whom, how often they tried.

Reading bans is reading what is true of rooms, so it needs what listing rooms
needs (``trtc:DescribeRoomInfo``), as ``watch`` does.
"""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    Table,
    code,
    person,
    when,
)
from commands.actions import fixed_action

MAX_ROWS = 50


async def run(ctx: Context, args: Args) -> Reply:
    room = args.get("room")
    store = ctx.services.store.bans
    if room is None:
        found = await store.listing(ctx.now)
        where = "in force"
    else:
        found = await store.listing(ctx.now, room.sdkappid, (room.room, room.numeric))
        where = f"keeping people out of room {room}"
    if not found:
        return Reply(
            headline=f"No bans {where}.",
            lines=(f"Ban with {code('ban <room|*> <user> [--for 1h]')}.",),
        )
    rows = tuple(
        (
            b.user_id,
            f"every room of {b.sdkappid}" if b.everywhere else str(b.room_ref),
            when(b.until) if b.until else "until unbanned",
            person(b.created_by),
            str(b.attempts),
            b.reason or "",
        )
        for b in found[:MAX_ROWS]
    )
    more = (f"…and {len(found) - MAX_ROWS} more.",) if len(found) > MAX_ROWS else ()
    return Reply(
        headline=f"{len(found)} ban{'s' if len(found) != 1 else ''} {where}",
        tables=(Table(("User", "Where", "Until", "By", "Rejoins", "Reason"), rows),),
        lines=(*more, f"Lift one with {code('unban <room|*> <user>')}."),
    )


SPEC = CommandSpec(
    name="bans",
    summary="List the bans in force (of one room, with its * bans)",
    example="bans 1234",
    run=run,
    params=(Param("room", ParamKind.ROOM, optional=True),),
    action=fixed_action("trtc:DescribeRoomInfo"),
)
