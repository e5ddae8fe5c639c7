"""`users <room>`: who is in the room now.

The answer comes from ``present_users``: the live roster (TRTC's room events)
when it covers the call, else TRTC's history; the reply says which, and how fresh.
"""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    Severity,
    Source,
    Table,
    clock_time,
    code,
    lag_note,
    present_users,
)
from commands.actions import fixed_action

MAX_ROWS = 50


async def run(ctx: Context, args: Args) -> Reply:
    room = args.room
    now = await present_users(ctx, room)
    lag = lag_note(ctx.services.history.lag_s) if now.source is Source.HISTORY else ()
    if not now.live:
        why = "" if now.source is Source.LIVE else " (no running call in the last 24 h)"
        return Reply(
            f"Room {room} is not live{why}.",
            Severity.WARNING,
            lines=(
                f'Check the id with {code("rooms")}; numeric 1234 and string "1234" are different.',
                now.note,
                *lag,
            ),
        )
    users = sorted(now.users, key=lambda u: u.join_ts)
    rows = tuple(
        (u.user_id, clock_time(u.join_ts), u.device_type or "?", u.sdk_version or "?")
        for u in users[:MAX_ROWS]
    )
    more: tuple[str, ...] = (
        (f"…and {len(users) - MAX_ROWS} more.",) if len(users) > MAX_ROWS else ()
    )
    call = now.call
    if call is not None:
        about = f" (call {call.comm_id}, since {clock_time(call.create_time)})"
    else:
        about = f" (since {clock_time(now.since)})" if now.since else ""
    return Reply(
        headline=f"{len(users)} in room {room}{about}",
        tables=(Table(("User", "Joined", "Device", "SDK"), rows),) if rows else (),
        lines=(*more, now.note, *lag),
    )


SPEC = CommandSpec(
    name="users",
    summary="List who is in a room now",
    example="users 1234",
    run=run,
    params=(Param("room", ParamKind.ROOM),),
    action=fixed_action("trtc:DescribeUserInfo"),
)
