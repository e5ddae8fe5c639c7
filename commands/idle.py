"""`idle [--for 2h] [--max-users 1] [--app …]`: rooms live for long with (almost) nobody in them.

Who is in a room comes from the live roster where it covers the room, else from TRTC's
history; each row says which (bot.usage.idle).

Each room found gets a Dismiss button; pressing it runs `dismiss` as the person who
pressed, so it asks for confirmation (or approval) exactly as typing it would.
"""

from __future__ import annotations

import shlex

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
    run_action,
)
from bot.usage import IdleRoom, idle_rooms
from bot.usage.idle import MAX_ROOMS
from commands.actions import fixed_action


def dismiss_command(app: int, room: str, why: str) -> str:
    """What a room's Dismiss button runs: `dismiss`, confirmed as usual when pressed."""
    return f"dismiss {app}/{shlex.quote(room)} --reason {shlex.quote(why)}"


LIVE, HISTORY = "TRTC events", "TRTC history"


def _sources(found: list[IdleRoom], lag_s: int) -> tuple[str, ...]:
    """Which source answered (the "From" column), and how far behind history may be."""
    if found and all(r.live for r in found):
        return (f"Who is in each room: live, from {LIVE} (the bot's roster).",)
    line = (
        f"Who is in each room: from {LIVE} where the bot saw the call begin, else from {HISTORY}."
    )
    return (line, *lag_note(lag_s))


async def run(ctx: Context, args: Args) -> Reply:
    app = args["app"] or ctx.services.grammar.default_app
    if app is None:
        return Reply("No application: name one with --app.", Severity.ERROR)
    older: int = args["for"]
    most: int = args["max-users"]
    rosters = await ctx.services.store.roster.rooms(app)
    found = await idle_rooms(
        ctx.trtc, app, ctx.now, older_than_s=older, max_users=most, rosters=rosters
    )
    people = "nobody" if most == 0 else f"at most {most} user{'s' if most != 1 else ''}"
    headline = (
        f"{len(found)} room{'s' if len(found) != 1 else ''} of application {app} live for "
        f"over {format_duration(older)} with {people}"
    )
    shown = found[:MAX_ROOMS]
    rows = tuple(
        (
            r.room,
            format_duration(r.age_s),
            str(len(r.users)),
            ", ".join(r.users) or "—",
            LIVE if r.live else HISTORY,
        )
        for r in shown
    )
    actions = tuple(
        run_action(
            f"Dismiss {r.room}",
            dismiss_command(
                app, r.room, f"idle: live {format_duration(r.age_s)}, {len(r.users)} user(s)"
            ),
            danger=True,
        )
        for r in shown
    )
    lines: tuple[str, ...] = ()
    if len(found) > len(shown):
        lines += (f"…and {len(found) - len(shown)} more.",)
    lines += _sources(found, ctx.services.history.lag_s)
    return Reply(
        headline=headline,
        severity=Severity.WARNING if found else Severity.SUCCESS,
        tables=(Table(("Room", "Live for", "Users", "Who", "From"), rows),) if rows else (),
        lines=lines,
        actions=actions,
    )


SPEC = CommandSpec(
    name="idle",
    summary="List rooms live for long with at most a few users, each with a Dismiss button",
    example="idle --for 2h --max-users 1",
    run=run,
    options=(
        Option("for", ParamKind.DURATION, default=7200, minimum=60, maximum=86400, metavar="2h"),
        Option("max-users", ParamKind.COUNT, default=1, minimum=0, maximum=100, metavar="1"),
        Option("app", ParamKind.APP, metavar="app"),
    ),
    action=fixed_action("trtc:DescribeRoomInfo"),
)
