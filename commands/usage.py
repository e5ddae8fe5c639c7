"""`usage [--days 7 | --from D --to D] [--by type|room|app] [--app …]`: where the minutes went.

Days are Beijing days (UTC+8), as TRTC's usage APIs count them; today is so far.
``--by type`` (the default) is minutes per day by type, a verdict line and a stacked
bar chart; ``--by room`` the rooms that used most (DescribeTrtcRoomUsage, a day per
query, one query per 15 s); ``--by app`` the configured applications side by side.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bot.authz.decision import Effect
from bot.core import (
    Args,
    Attachment,
    BadValue,
    CommandSpec,
    Context,
    Option,
    ParamKind,
    Reply,
    Severity,
    Table,
    TrtcError,
)
from bot.trtc.usage import RoomUsage, beijing_date
from bot.usage import (
    HOW_TO,
    Prices,
    UsageReport,
    chart,
    fetch_report,
    find_spike,
    top_rooms,
    verdict,
)

# The CAM actions each view calls. ``--by type`` reads all four usage APIs (and names the
# spike day's rooms if DescribeTrtcRoomUsage is allowed too); ``--by app`` reads each
# application it may (``_allowed``).
TRTC_USAGE, ROOM_USAGE = "trtc:DescribeTrtcUsage", "trtc:DescribeTrtcRoomUsage"
BY_TYPE = ("trtc:DescribeRecordingUsage", "trtc:DescribeMixTranscodingUsage",
           "trtc:DescribeRelayUsage")  # fmt: skip
DEFAULT_DAYS = 7
MAX_DAYS = 92  # DescribeTrtcRoomUsage looks back about 3 months
TOP_ROOMS = 10
BY = ("type", "room", "app")


def _date(raw: str, name: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadValue(f"--{name} {raw!r} is not a date; write YYYY-MM-DD") from None


def check(args: Args, now: float) -> None:
    if args["by"] not in BY:
        raise BadValue(f"--by {args['by']!r}: use one of {', '.join(BY)}")
    given = [n for n in ("from", "to") if args[n] is not None]
    if given and args["days"] is not None:
        raise BadValue("give either --days or --from/--to, not both")
    if len(given) == 1:
        raise BadValue("--from and --to go together, e.g. --from 2026-12-01 --to 2026-12-07")
    if given:
        start, end = _date(args["from"], "from"), _date(args["to"], "to")
        if end < start:
            raise BadValue("--to is before --from")
        if end > beijing_date(now):
            raise BadValue("--to is in the future (Beijing time, as TRTC counts usage days)")
        if (end - start).days + 1 > MAX_DAYS:
            raise BadValue(f"at most {MAX_DAYS} days at a time")


def window(args: Args, now: float) -> tuple[date, date]:
    if args["from"] is not None:
        return date.fromisoformat(args["from"]), date.fromisoformat(args["to"])
    end = beijing_date(now)
    return end - timedelta(days=(args["days"] or DEFAULT_DAYS) - 1), end


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()} (Beijing days)"


def _n(value: float) -> str:
    return f"{value:,.0f}"


async def run(ctx: Context, args: Args) -> Reply:
    start, end = window(args, ctx.now)
    match args["by"]:
        case "room":
            return await _by_room(ctx, args["app"], start, end)
        case "app":
            return await _by_app(ctx, start, end)
    return await _by_type(ctx, args["app"], start, end)


def _whose(app: int | None) -> str:
    return "the whole account" if app is None else f"application {app}"


def _cost_lines(report: UsageReport, prices: Prices | None) -> tuple[str, ...]:
    if prices is None:
        return (HOW_TO,)
    totals = report.totals()
    costs = {k: prices.cost(k, m) for k, m in totals.items() if m}
    line = f"Cost: {prices.money(sum(c for c in costs.values() if c is not None))}"
    missing = [k for k, c in costs.items() if c is None]
    if missing:
        line += f" (no price for {', '.join(missing)}: those minutes are not counted)"
    return (line + ".",)


async def _by_type(ctx: Context, app: int | None, start: date, end: date) -> Reply:
    report = await fetch_report(ctx.trtc.usage, start, end, app)
    spike = find_spike(report)
    rooms: list[RoomUsage] = []
    notes: list[str] = []
    room_app = app or ctx.services.grammar.default_app
    if spike is not None and room_app is not None and not _allowed(ctx, "room", room_app):
        notes.append(f"Rooms of that day not named: {ROOM_USAGE} is not allowed for you here.")
    elif spike is not None and room_app is not None:
        try:
            rooms = await ctx.trtc.usage.rooms(room_app, spike.day)
        except TrtcError as exc:
            notes.append(f"Rooms of that day not named: {exc}")
    kinds = report.used_types()
    prices = ctx.services.prices
    columns = ("Day", *kinds, "Total", "Relay peak")
    if prices is not None:
        columns += (f"Cost ({prices.currency})",)
    rows = []
    for day in report.days:
        row = [f"{day:%a} {day.isoformat()}", *(_n(report.of(day, k)) for k in kinds)]
        row += [_n(report.total(day)), f"{report.relay_peak.get(day, 0.0):g}"]
        if prices is not None:
            costs = [prices.cost(k, report.of(day, k)) for k in kinds]
            row.append(f"{sum(c for c in costs if c is not None):,.2f}")
        rows.append(tuple(row))
    title = f"Minutes per day, {_whose(app)}, {_span(start, end)}"
    png = await asyncio.to_thread(chart.render_png, title, report, spike)
    lines = (
        verdict(report, spike, rooms),
        *notes,
        *_cost_lines(report, prices),
        "Minutes by type: audio/video by the tier received; Recording and Mixing in minutes; "
        "relay peak is bandwidth (unit not stated by TRTC; presumably Mbps). Today is so far.",
    )
    return Reply(
        headline=f"Usage of {_whose(app)}: {_n(sum(report.totals().values()))} minutes, "
        f"{_span(start, end)}",
        severity=Severity.WARNING if spike is not None else Severity.INFO,
        lines=lines,
        tables=(Table(columns, tuple(rows)),),
        files=(Attachment("usage.png", png, title),),
    )


async def _by_room(ctx: Context, app: int | None, start: date, end: date) -> Reply:
    app = app or ctx.services.grammar.default_app
    if app is None:
        return Reply("No application: name one with --app.", Severity.ERROR)
    totals: dict[str, RoomUsage] = {}
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    for index, day in enumerate(days):
        if index:
            await ctx.report(f"Rooms of {day.isoformat()} ({index + 1}/{len(days)}; TRTC allows "
                             "one query per 15 s)…")  # fmt: skip
        for room in await ctx.trtc.usage.rooms(app, day):
            seen = totals.setdefault(room.room, RoomUsage(room.room, {}))
            for tier, seconds in room.seconds.items():
                seen.seconds[tier] = seen.seconds.get(tier, 0.0) + seconds
    ranked = sorted(totals.values(), key=lambda r: -r.minutes)
    whole = sum(r.minutes for r in ranked)
    rows = tuple(
        (
            r.room,
            _n(r.minutes),
            f"{r.minutes / whole:.0%}" if whole else "—",
            max(r.seconds, key=lambda t: r.seconds[t]) if r.seconds else "—",
        )
        for r in ranked[:TOP_ROOMS]
    )
    named, share = top_rooms(ranked)
    lines = [f"{len(ranked)} rooms used {_n(whole)} minutes."]
    if named:
        lines.append(f"Top: {', '.join(named)} ({share:.0%} of the minutes).")
    lines.append("From DescribeTrtcRoomUsage (seconds per room, not for billing reconciliation).")
    return Reply(
        headline=f"Top rooms of application {app}, {_span(start, end)}",
        lines=tuple(lines),
        tables=(Table(("Room", "Minutes", "Share", "Mostly"), rows),) if rows else (),
    )


async def _by_app(ctx: Context, start: date, end: date) -> Reply:
    grammar = ctx.services.grammar
    apps = dict(grammar.apps)
    if grammar.default_app is not None and grammar.default_app not in apps.values():
        apps["(default)"] = grammar.default_app
    if not apps:
        return Reply("No applications configured: set TRTC_CHATOPS_APPS.", Severity.ERROR)
    rows, refused = [], []
    for name, app in sorted(apps.items()):
        if not _allowed(ctx, "app", app):
            refused.append(f"{name} ({app})")
            continue
        table = await ctx.trtc.usage.trtc(start, end, app)
        per_day = table.per_day()
        total = sum(sum(v.values()) for v in per_day.values())
        peak = max(per_day, key=lambda d: sum(per_day[d].values()), default=None)
        rows.append((name, str(app), _n(total), peak.isoformat() if peak else "—"))
    lines = (f"Not shown: {', '.join(refused)}: {TRTC_USAGE} is not allowed for you there.",)
    return Reply(
        headline=f"Audio/video minutes per application, {_span(start, end)}",
        severity=Severity.WARNING if refused else Severity.INFO,
        lines=lines if refused else (),
        tables=(Table(("Application", "SdkAppId", "Minutes", "Busiest day"), tuple(rows)),),
    )


def _allowed(ctx: Context, by: str, app: int) -> bool:
    """May the person read ``app``'s usage the way ``--by`` reads it? (The command was
    authorized for one application; a view that reads more asks for each.)"""
    args = Args({"by": by, "app": app, "days": None, "from": None, "to": None})
    auth = ctx.services.authorize(SPEC, args, ctx.invocation)
    return auth is None or auth[1].effect is Effect.ALLOW


SPEC = CommandSpec(
    name="usage",
    summary="Show where the minutes went: per day by type, per room or per application",
    example="usage --days 7 --by room",
    run=run,
    check=check,
    options=(
        Option("days", ParamKind.COUNT, minimum=1, maximum=MAX_DAYS, metavar="7"),
        Option("from", ParamKind.TEXT, metavar="YYYY-MM-DD"),
        Option("to", ParamKind.TEXT, metavar="YYYY-MM-DD"),
        Option("by", ParamKind.TEXT, default="type", metavar="type|room|app"),
        Option("app", ParamKind.APP, metavar="app"),
    ),
    action=lambda args: ROOM_USAGE if args.get("by") == "room" else TRTC_USAGE,
    also=lambda args: BY_TYPE if args.get("by", "type") == "type" else (),
)
