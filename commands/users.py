"""`users <room>`: who is in the room now."""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    RoomRef,
    Severity,
    Table,
    calls_of,
    clock_time,
    code,
    format_duration,
    lag_note,
    person,
    present_users,
    when,
)
from commands.actions import fixed_action

MAX_ROWS = 50


async def run(ctx: Context, args: Args) -> Reply:
    room = args.room
    call, users = await present_users(ctx.trtc, room, ctx.now)
    if call is None:
        ended = await _last_ended(ctx, room)
        return Reply(
            ended or f"Room {room} is not live (no call in the last 24 h).",
            Severity.WARNING if ended is None else Severity.INFO,
            lines=(
                f'Check the id with {code("rooms")}; numeric 1234 and string "1234" are different.',
                *lag_note(ctx.services.history.lag_s),
            )
            if ended is None
            else lag_note(ctx.services.history.lag_s),
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


async def _last_ended(ctx: Context, room: RoomRef) -> str | None:
    """The room's latest call, ended: when, after how long, and how (a dismiss we ran,
    else everyone left); None when there was no call in the window."""
    calls = [c for c in await calls_of(ctx.trtc, room, ctx.now) if c.is_finished]
    if not calls:
        return None
    last = calls[0]
    ago = format_duration(max(0, ctx.now - last.destroy_time))
    how = await _dismissed_by(ctx, room, last.create_time, last.destroy_time)
    return (
        f"Room {room} is not live: its last call ({last.comm_id}) ended at "
        f"{when(last.destroy_time)}, {ago} ago, after "
        f"{format_duration(last.destroy_time - last.create_time)}; {how}."
    )


async def _dismissed_by(ctx: Context, room: RoomRef, start: float, end: float) -> str:
    for record in await ctx.services.store.audit.recent(_LOOK_BACK):
        if record.command != "dismiss" or not record.outcome.endswith("succeeded"):
            continue
        if not start <= record.at <= end + _SLACK_S or record.operation_id is None:
            continue
        op = await ctx.services.store.operations.get(record.operation_id)
        ref = op.args.get("room") if op is not None else None
        if op is not None and isinstance(ref, dict) and RoomRef.from_json(ref).room == room.room:
            return f"dismissed through the bot (#{op.id}, asked by {person(op.requester)})"
    return "everyone left (no dismiss of ours)"


_LOOK_BACK = 200  # audit records searched for the dismiss that ended a call
_SLACK_S = 120  # TRTC may record the end a little after our dismiss answered
