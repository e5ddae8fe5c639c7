"""`rooms [--since 30m]`: the calls of the default application, live first."""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Option,
    ParamKind,
    Reply,
    Severity,
    Table,
    format_duration,
    lag_note,
    when,
)
from commands.actions import fixed_action

MAX_ROWS = 40


async def run(ctx: Context, args: Args) -> Reply:
    app = ctx.services.grammar.default_app
    if app is None:
        return Reply("No default application: set TRTC_SDK_APP_ID.", Severity.ERROR)
    now = int(ctx.now)
    since: int = args["since"]
    calls = [c async for c in ctx.trtc.rooms(app, now - since, now)]
    calls.sort(key=lambda c: (c.is_finished, -c.create_time))
    live = sum(not c.is_finished for c in calls)
    rows = tuple(
        (
            c.room_string,
            "ended" if c.is_finished else "live",
            when(c.create_time, now=now),
            format_duration((c.destroy_time if c.is_finished else now) - c.create_time),
            c.user_id,
        )
        for c in calls[:MAX_ROWS]
    )
    lines: tuple[str, ...] = (
        (f"…and {len(calls) - MAX_ROWS} more.",) if len(calls) > MAX_ROWS else ()
    )
    lines += lag_note(ctx.services.history.lag_s)
    return Reply(
        headline=f"{live} live, {len(calls) - live} ended in the last {format_duration(since)} "
        f"(application {app})",
        tables=(Table(("Room", "State", "Started", "Duration", "Created by"), rows),)
        if rows
        else (),
        lines=lines,
    )


SPEC = CommandSpec(
    name="rooms",
    summary="List the calls of the last 30 minutes (or --since), live first",
    example="rooms --since 2h",
    run=run,
    options=(
        Option(
            "since", ParamKind.DURATION, default=1800, minimum=60, maximum=14 * 86400, metavar="30m"
        ),
    ),
    action=fixed_action("trtc:DescribeRoomInfo"),
)
