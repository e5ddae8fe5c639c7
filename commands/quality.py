"""`quality <room> [--since 30m | --from HH:MM --to HH:MM] [--user U]`: who suffered, when, why.

The command's words and its replies. Fetching is ``bot.quality.fetch`` (within
TRTC's limits, concurrently) and grading the rest of ``bot.quality``; a window TRTC
cannot answer is refused by the grammar (``check``), as bad input.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import time

from bot.core import (
    Args,
    Attachment,
    BadValue,
    CommandSpec,
    Context,
    Option,
    Param,
    ParamKind,
    Reply,
    RoomRef,
    Severity,
    Table,
    TrtcApiError,
    clock_time,
    code,
    format_duration,
    run_action,
)
from bot.quality import (
    COLUMNS,
    Assessment,
    Grade,
    RoomQuality,
    Window,
    breakdown,
    hhmm,
    span,
    summary_lines,
    verdict,
)
from bot.quality.fetch import CallFetch, calls
from bot.quality.window import WindowError, resolve
from bot.trtc import limits
from commands.actions import fixed_action

DEFAULT_SINCE_S = 30 * 60
MAX_WINDOW_S = limits.USER_INFO_WINDOW_S  # one DescribeUserInfo query: 4 h; --since's maximum
MAX_BUTTONS = 5
EDITION = "InvalidParameter.StartTimeOversize"


def _window(args: Args, now: float) -> Window:
    return resolve(
        now,
        since=args["since"],
        start_at=args["from"],
        end_at=args["to"],
        default_s=DEFAULT_SINCE_S,
        max_s=MAX_WINDOW_S,
        lookback_s=limits.LOOKBACK_S,
    )


def check(args: Args, now: float) -> None:
    """A window TRTC cannot answer is bad input: the grammar refuses it, saying what to ask."""
    try:
        _window(args, now)
    except WindowError as exc:
        raise BadValue(str(exc)) from None


async def run(ctx: Context, args: Args) -> Reply:
    try:
        window = _window(args, ctx.now)
    except WindowError as exc:  # the clock moved past a limit since the grammar's check
        usage = (f"Usage: {SPEC.usage}", f"Example: {SPEC.example}")
        return Reply(str(exc), Severity.ERROR, lines=usage)
    try:
        return await _quality(ctx, args, window)
    except TrtcApiError as exc:
        if exc.code == EDITION:
            return _edition(exc, window, ctx.now)
        raise


async def _quality(ctx: Context, args: Args, asked: Window) -> Reply:
    room: RoomRef = args.room
    name = _room_text(ctx, room)
    found = await calls(ctx.trtc, room.sdkappid, room.room, asked)
    if not found:
        return await _no_call(ctx, room, name, asked)
    call, others = found[0], found[1:]
    ended = call.destroy_time if call.is_finished and call.destroy_time else asked.end
    window = asked.clip(call.create_time, ended)
    if window.seconds < 10:
        return Reply(
            f"Room {name}'s call started at {hhmm(call.create_time)} UTC: no data yet.",
            Severity.INFO,
            lines=("TRTC reports quality every few seconds; try again in a minute.",),
        )
    fetch = CallFetch(
        ctx.trtc, room.sdkappid, room.api_room, call, window, args["user"], ctx.now, ctx.report
    )
    await fetch.run()
    notes = (
        [
            f"The room had {len(others)} earlier call(s) in this window "
            f"({', '.join(hhmm(c.create_time) for c in others[:3])} UTC); this is the one from "
            f"{hhmm(call.create_time)}. Narrow --from/--to to see another."
        ]
        if others
        else []
    )
    if args["user"]:
        return await _user_reply(fetch, name, args["user"], notes)
    return await _room_reply(fetch, name, args, notes)


async def _no_call(ctx: Context, room: RoomRef, name: str, asked: Window) -> Reply:
    now = int(ctx.now)
    day = Window(now - limits.ROOM_INFO_WINDOW_S, now)
    recent = await calls(ctx.trtc, room.sdkappid, room.room, day)
    if not recent:
        return Reply(
            f"No room {name} in application {room.sdkappid} in the last 24 h.",
            Severity.WARNING,
            lines=(
                f'Check the id with {code("rooms --since 1d")}; numeric 1234 and string "1234" are '
                "different rooms, and app/room picks another application.",
            ),
        )
    last, began = recent[0], hhmm(recent[0].create_time)
    if last.is_finished:
        until = hhmm(last.destroy_time)
        hint = f"Its latest call ran {began}–{until} UTC"
        ask = code(f"quality {name} --from {began} --to {until}")
    else:
        hint = f"Its call has been live since {began} UTC"
        ask = code(f"quality {name} --from {began}")
    return Reply(
        f"Room {name} had no call {span(asked.start, asked.end)} UTC.",
        Severity.WARNING,
        lines=(f"{hint}: try {ask}.",),
    )


async def _room_reply(fetch: CallFetch, name: str, args: Args, notes: list[str]) -> Reply:
    window = fetch.window
    if fetch.total == 0:
        return Reply(
            f"Room {name}'s call had nobody in it {span(window.start, window.end)} UTC.",
            Severity.INFO,
        )
    if not fetch.problems and not fetch.fine and not fetch.unfetched:
        return Reply(
            f"TRTC has no quality samples for room {name} {span(window.start, window.end)} UTC.",
            Severity.WARNING,
            lines=(
                f"{fetch.total:,} users were in the call, but no per-second data came back: "
                "recent data can lag a few minutes. Try again shortly, or widen --since.",
            ),
        )
    summary = RoomQuality(
        name, window, tuple(fetch.problems), fetch.fine, tuple(fetch.no_data), tuple(fetch.gaps)
    )
    if fetch.unfetched and not fetch.problems and not fetch.fine:
        return Reply(
            f"Could not fetch call-quality metrics for room {name}: "
            f"{span(window.start, window.end)} UTC.",
            Severity.ERROR,
            lines=tuple(f"Missing: {gap}" for gap in fetch.gaps),
        )
    worst = summary.worst
    severity = Severity.INFO if worst else Severity.SUCCESS
    if fetch.gaps or any(a.grade is Grade.BAD for a in worst):
        severity = Severity.WARNING
    files = await _chart(name, window, worst)
    buttons = tuple(
        run_action(f"{a.user.user_id}'s breakdown", _command(name, args, a.user.user_id))
        for a in worst[:MAX_BUTTONS]
    )
    return Reply(
        verdict(summary) + (" Incomplete: see Missing." if fetch.gaps else ""),
        severity,
        lines=(*summary_lines(summary), *notes),
        actions=buttons,
        files=files,
    )


async def _user_reply(fetch: CallFetch, name: str, user: str, notes: list[str]) -> Reply:
    window = fetch.window
    when = f"{span(window.start, window.end)} UTC"
    if fetch.total == 0:
        return Reply(
            f"{user} was not in room {name} {when}.",
            Severity.WARNING,
            lines=(f"See who was: {code(f'users {name}')}, or widen the window with --since.",),
        )
    if fetch.unfetched:
        return Reply(
            f"Could not fetch {user}'s metrics in room {name} {when}.",
            Severity.ERROR,
            lines=tuple(f"Missing: {gap}" for gap in fetch.gaps),
        )
    if not fetch.problems:
        return Reply(f"TRTC has no quality samples for {user} in room {name} {when}.")
    assessment = fetch.problems[0]
    detail = breakdown(assessment, name, fetch.thresholds)
    severity = {Grade.GOOD: Severity.SUCCESS, Grade.DEGRADED: Severity.INFO}.get(
        assessment.grade, Severity.WARNING
    )
    return Reply(
        detail.headline,
        severity,
        fields=detail.fields,
        tables=(Table(COLUMNS, detail.rows),) if detail.rows else (),
        lines=(*detail.lines, *(f"Missing: {gap}" for gap in fetch.gaps), *notes),
        files=await _chart(name, window, [assessment], user),
    )


async def _chart(
    name: str, window: Window, worst: list[Assessment], user: str | None = None
) -> tuple[Attachment, ...]:
    from bot.quality import chart  # matplotlib: imported on first use, not at start-up

    series = chart.chart_of(worst)
    if not series:
        return ()
    png = await asyncio.to_thread(chart.render_png, name, window, series, len(worst))
    stamp = time.strftime("%Y%m%d-%H%M", time.gmtime(window.start))
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name + (f"-{user}" if user else ""))
    title = f"Loss and RTT, room {name}" + (f", {user}" if user else "")
    return (
        Attachment(
            f"quality-{slug}-{stamp}.png", png, f"{title}, {span(window.start, window.end)} UTC"
        ),
    )


def _edition(exc: TrtcApiError, window: Window, now: float) -> Reply:
    return Reply(
        "TRTC refused: this account's monitoring-dashboard edition does not reach back to "
        f"{clock_time(window.start, with_date=True)} ({format_duration(now - window.start)} ago).",
        Severity.ERROR,
        lines=(
            f"Code: {exc.code}",
            f"Message: {exc.message}",
            f"RequestId: {exc.request_id}",
            "Since 2024-04-01 TRTC's call-detail APIs are paid: the monitoring dashboard's "
            "Standard edition (基础版, or the 尊享版 package) looks back 7 days, Premium "
            "(进阶版, or 旗舰版) 14 days.",
            "Ask for a more recent window (e.g. --since 30m), or upgrade the edition in the "
            "TRTC console (Monitoring Dashboard).",
        ),
    )


def _room_text(ctx: Context, room: RoomRef) -> str:
    """How to type this room again: bare on the default application."""
    if room.app_name:
        return f"{room.app_name}/{room.room}"
    if room.sdkappid != ctx.services.grammar.default_app:
        return f"{room.sdkappid}/{room.room}"
    return room.room


def _command(name: str, args: Args, user: str) -> str:
    """The same window for one user: what the breakdown button runs."""
    parts = ["quality", shlex.quote(name)]
    if args["since"] is not None:
        parts += ["--since", format_duration(args["since"])]
    for option in ("from", "to"):
        if args[option] is not None:
            parts += [f"--{option}", f"{args[option] // 60:02d}:{args[option] % 60:02d}"]
    return " ".join([*parts, "--user", shlex.quote(user)])  # a TRTC id may hold anything


SPEC = CommandSpec(
    name="quality",
    summary=f"Call quality (a window of at most {MAX_WINDOW_S // 3600} h): who, when, why, a chart",
    example="quality 1234 --since 1h",
    run=run,
    check=check,
    params=(Param("room", ParamKind.ROOM),),
    options=(
        Option("since", ParamKind.DURATION, minimum=60, maximum=MAX_WINDOW_S, metavar="30m"),
        Option("from", ParamKind.CLOCK, metavar="HH:MM"),
        Option("to", ParamKind.CLOCK, metavar="HH:MM"),
        Option("user", ParamKind.USER, metavar="U"),
    ),
    action=fixed_action("trtc:DescribeCallDetailInfo"),
)
