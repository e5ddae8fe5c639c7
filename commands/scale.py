"""`scale [--days 7]`: rooms and users per day."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core import Args, CommandSpec, Context, Option, ParamKind, Reply, Severity, Table
from commands.actions import fixed_action


def _n(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


async def run(ctx: Context, args: Args) -> Reply:
    app = ctx.services.grammar.default_app
    if app is None:
        return Reply("No default application: set TRTC_SDK_APP_ID.", Severity.ERROR)
    days: int = args["days"]
    now = int(ctx.now)
    # 14 days back is TRTC's limit; stay a minute inside it.
    start = max(now - days * 86400, now - 14 * 86400 + 60)
    scale = await ctx.trtc.scale(app, start, now)
    rows = tuple(
        (
            datetime.fromtimestamp(d.time, tz=UTC).strftime("%a %Y-%m-%d"),
            _n(d.room_numbers),
            _n(d.user_number),
            _n(d.user_count),
        )
        for d in sorted(scale, key=lambda d: d.time)
    )
    return Reply(
        headline=f"Application {app}, last {days} days (today is never included by TRTC)",
        tables=(Table(("Day (UTC)", "Rooms", "Users", "Entries"), rows),) if rows else (),
        lines=() if rows else ("No data for these days.",),
    )


SPEC = CommandSpec(
    name="scale",
    summary="Show rooms and users per day",
    example="scale --days 3",
    run=run,
    options=(Option("days", ParamKind.COUNT, default=7, minimum=1, maximum=14, metavar="7"),),
    action=fixed_action("trtc:DescribeScaleInfo"),
)
