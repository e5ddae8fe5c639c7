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
    RoomRef,
    Severity,
    Source,
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
    now = await present_users(ctx, room)
    lag = lag_note(ctx.services.history.lag_s) if now.source is Source.HISTORY else ()
    if not now.live:
        # The roster saw it end: say so without asking history; else history tells how.
        ended = None if now.source is Source.LIVE else await _last_ended(ctx, room)
        if ended is not None:
            return Reply(ended, Severity.INFO, lines=(now.note, *lag))
        why = "" if now.source is Source.LIVE else " (no call in the last 24 h)"
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
