"""`offair <room> [--reason "…"]`: stop every CDN relay of a room; the room goes on.

The emergency brake: the public broadcast ends, the people in the call stay. The
relays are the ones the bot knows of — those it started and those TRTC's relay
callbacks told it of — since TRTC has no API that lists a room's relays.
"""

from __future__ import annotations

from bot.core import Args, CommandSpec, Context, Option, Param, ParamKind, Reply, Severity, code
from bot.store.relays import RELAY
from commands.actions import fixed_action
from commands.broadcast import short, stop_relays, targets, tasks

ACTION = "trtc:StopPublishCdnStream"
KEEPS_RUNNING = "The room itself keeps running: everyone in it stays connected."


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room = args.room
    grouped = tasks(await ctx.services.store.relays.live(room, RELAY))
    if not grouped:
        return f"take room {room} off air (no relay known)", [
            "The bot knows of no CDN relay of this room: it knows the relays it starts and "
            "those TRTC's relay callbacks report. Nothing would be stopped.",
        ]
    lines = [
        f"Stop relay {short(task_id)} to {targets(rows)}." for task_id, rows in grouped.items()
    ]
    lines.append(KEEPS_RUNNING)
    count = f"{len(grouped)} CDN relay" + ("s" if len(grouped) != 1 else "")
    return f"take room {room} off air: stop {count}", lines


async def run(ctx: Context, args: Args) -> Reply:
    room = args.room
    grouped = tasks(await ctx.services.store.relays.live(room, RELAY))
    if not grouped:
        return Reply(
            headline=f"Room {room}: no CDN relay known to be on air; nothing was stopped",
            lines=(f"See {code(f'relays {room}')} for what the bot knows.",),
        )
    reason = args.get("reason")
    why = f"taken off air by {ctx.invocation.actor}" + (f": {reason}" if reason else "")
    stops = await stop_relays(ctx, room.sdkappid, grouped, why)
    stops.raise_if_nothing_done()
    lines = [*stops.lines(), KEEPS_RUNNING]
    done = len(stops.stopped) + len(stops.gone)
    fields = (("RequestId", ", ".join(stops.request_ids)),) if stops.request_ids else ()
    if stops.complete:
        return Reply(
            headline=f"Room {room} is off air: {done} CDN relay{'s' if done != 1 else ''} stopped",
            severity=Severity.SUCCESS,
            lines=tuple(lines),
            fields=fields,
            request_ids=tuple(stops.request_ids),
        )
    return Reply(
        headline=f"Room {room} may still be on air: stopped {done} of {stops.total} CDN relays",
        severity=Severity.WARNING,
        lines=(
            *lines,
            f"Look with {code(f'relays {room}')}; retry with {code('relay stop <task>')}.",
        ),
        fields=fields,
        request_ids=tuple(stops.request_ids),
        partial=True,
    )


async def verify(ctx: Context, args: Args) -> bool | None:
    """After a crash: no relay left on air as far as the bot knows; TRTC cannot be asked."""
    return not await ctx.services.store.relays.live(args.room, RELAY) or None


SPEC = CommandSpec(
    name="offair",
    summary="Stop a room's CDN relays; the room keeps running (asks for confirmation)",
    example='offair 1234 --reason "abusive content on the public stream"',
    run=run,
    preview=preview,
    verify=verify,
    params=(Param("room", ParamKind.ROOM),),
    options=(Option("reason", ParamKind.TEXT, metavar='"…"'),),
    action=fixed_action(ACTION),
)
