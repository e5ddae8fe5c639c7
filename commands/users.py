"""`users <room>`: who is in the room now."""

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
    clock_time,
    code,
    lag_note,
    present_users,
)
from commands.actions import fixed_action

MAX_ROWS = 50


async def run(ctx: Context, args: Args) -> Reply:
    room = args.room
    call, users = await present_users(ctx.trtc, room, ctx.now)
    if call is None:
        return Reply(
            f"Room {room} is not live (no running call in the last 24 h).",
            Severity.WARNING,
            lines=(
                f'Check the id with {code("rooms")}; numeric 1234 and string "1234" are different.',
                *lag_note(ctx.services.history.lag_s),
            ),
        )
    users.sort(key=lambda u: u.join_ts)
    rows = tuple(
        (u.user_id, clock_time(u.join_ts), u.device_type or "?", u.sdk_version or "?")
        for u in users[:MAX_ROWS]
    )
    more: tuple[str, ...] = (
        (f"…and {len(users) - MAX_ROWS} more.",) if len(users) > MAX_ROWS else ()
    )
    more += lag_note(ctx.services.history.lag_s)
    return Reply(
        headline=f"{len(users)} in room {room} (call {call.comm_id}, "
        f"since {clock_time(call.create_time)})",
        tables=(Table(("User", "Joined", "Device", "SDK"), rows),) if rows else (),
        lines=more,
    )


SPEC = CommandSpec(
    name="users",
    summary="List who is in a room now",
    example="users 1234",
    run=run,
    params=(Param("room", ParamKind.ROOM),),
    action=fixed_action("trtc:DescribeUserInfo"),
)
