"""`relays <room>`, `relay start <room> --url rtmp://… [--mix]`, `relay stop <task>`.

`relays` reads what the bot knows (TRTC cannot list a room's relays); `relay start`
sends the configured template (TRTC_CHATOPS_RELAY_TEMPLATES) with the room, a fresh
robot and the typed URL, which is stored and shown masked only.
"""

from __future__ import annotations

import secrets

from bot.core import (
    Args,
    BadValue,
    CommandSpec,
    Context,
    Option,
    Param,
    ParamKind,
    Reply,
    Severity,
    code,
    present_users,
)
from bot.store.relays import INGEST, RELAY
from bot.trtc import relays as api
from bot.trtc.masking import mask_url
from bot.trtc.usersig import user_sig
from commands.actions import fixed_action
from commands.broadcast import describe, located, stop_relays, tasks

ROBOT_PREFIX = "chatops_relay_"


async def show(ctx: Context, args: Args) -> Reply:
    room = args.room
    store = ctx.services.store.relays
    relays = tasks(await store.live(room, RELAY))
    ingests = tasks(await store.live(room, INGEST))
    lines = [describe(rows) for rows in (*relays.values(), *ingests.values())]
    if not lines:
        return Reply(
            headline=f"Room {room}: nothing known to be on air",
            lines=(
                "The bot knows the relays and ingests it starts and the relays TRTC's relay "
                "callbacks report; TRTC has no API that lists them.",
            ),
        )
    return Reply(
        headline=f"Room {room}: {len(relays)} CDN relay(s), {len(ingests)} stream ingest(s)",
        severity=Severity.WARNING if relays else Severity.INFO,
        lines=(*lines, f"Take the room off air with {code(f'offair {room}')}."),
    )


def _check_start(args: Args, _now: float) -> None:
    url = args["url"]  # required: the grammar refuses the command without it
    if not url.lower().startswith("rtmp://"):
        raise BadValue("TRTC relays to RTMP only: --url must start with rtmp://")
    if args.get("mix") and args.get("user"):
        raise BadValue("--user names the one stream to forward; a --mix relay mixes everyone")


async def _forwarded(ctx: Context, args: Args) -> str:
    """The user whose stream a single-stream relay forwards: --user, else the first present."""
    if args.get("user"):
        return str(args["user"])
    present = (await present_users(ctx, args.room)).user_ids
    if not present:
        raise BadValue(f"nobody is in room {args.room} to relay; name one with --user")
    return sorted(present)[0]


async def start_preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room, target = args.room, mask_url(args["url"])
    if args.get("mix"):
        what = "everyone, mixed (template mixed)"
    else:
        what = f"the stream of {args.get('user') or 'the first user present'} (template single)"
    return f"relay room {room} to {target}", [
        f"Relays {what} to {target}; the public can watch it there.",
        f"Stop it with {code(f'offair {room}')} or {code('relay stop <task>')}.",
    ]


async def start(ctx: Context, args: Args) -> Reply:
    room, url = args.room, args["url"]
    services = ctx.services
    try:
        forward = None if args.get("mix") else await _forwarded(ctx, args)
    except BadValue as exc:
        return Reply(headline=f"Relay not started: {exc}", severity=Severity.ERROR)
    robot = ROBOT_PREFIX + secrets.token_hex(4)
    secret = services.sdk_secret
    sig = user_sig(room.sdkappid, secret.get_secret_value(), robot) if secret else None
    task_id = await api.start_publish_cdn(
        ctx.trtc,
        room.sdkappid,
        room.api_room,
        template=services.relay_templates.pick(bool(args.get("mix"))),
        url=url,
        robot=robot,
        robot_sig=sig,
        forward_user=forward,
    )
    target = mask_url(url)
    await services.store.relays.started(
        kind=RELAY,
        room=room,
        task_id=task_id,
        url=target,
        robot=robot,
        by=ctx.invocation.actor,
        state="starting",
        now=ctx.now,
    )
    return Reply(
        headline=f"Relaying room {room} to {target}",
        severity=Severity.SUCCESS,
        lines=(
            f"Task {code(task_id)}; TRTC reports when the CDN push is running "
            f"({code(f'watch {room}')} shows it).",
        ),
    )


async def stop(ctx: Context, args: Args) -> Reply:
    task_id = args["task"]
    rows = list(await ctx.services.store.relays.task(RELAY, task_id))
    app = rows[0].sdkappid if rows else ctx.services.grammar.default_app
    if app is None:
        return Reply(
            headline="Relay not stopped: the bot has not heard of this task and no default "
            "application is configured",
            severity=Severity.ERROR,
        )
    stops = await stop_relays(ctx, app, {task_id: rows}, f"stopped by {ctx.invocation.actor}")
    stops.raise_if_nothing_done()
    return Reply(
        headline=f"Relay {task_id[:12]}… stopped"
        if stops.stopped
        else f"Relay {task_id[:12]}… had already ended",
        severity=Severity.SUCCESS,
        lines=tuple(stops.lines()),
        request_ids=tuple(stops.request_ids),
    )


async def stop_preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    rows = list(await ctx.services.store.relays.task(RELAY, args["task"]))
    if not rows:
        return f"stop relay {args['task'][:12]}…", ["The bot has not heard of this task."]
    return f"stop relay {args['task'][:12]}… to {', '.join(r.url for r in rows)}", [
        f"Room {rows[0].room_ref} keeps running."
    ]


LIST_SPEC = CommandSpec(
    name="relays",
    summary="What a room relays to CDNs (and ingests) right now, as far as the bot knows",
    example="relays 1234",
    run=show,
    params=(Param("room", ParamKind.ROOM),),
    action=fixed_action("chatops:ListRelays"),
)

START_SPEC = CommandSpec(
    name="relay start",
    summary="Relay a room to a CDN from the configured template (asks for confirmation)",
    example="relay start 1234 --url rtmp://live.example.com/live/streamkey --mix",
    run=start,
    preview=start_preview,
    params=(Param("room", ParamKind.ROOM),),
    options=(
        Option("url", ParamKind.URL, metavar="rtmp://…", required=True),
        Option("mix", ParamKind.FLAG),
        Option("user", ParamKind.USER, metavar="user"),
    ),
    check=_check_start,
    action=fixed_action("trtc:StartPublishCdnStream"),
)

STOP_SPEC = CommandSpec(
    name="relay stop",
    summary="Stop one CDN relay by its TaskId (asks for confirmation)",
    example="relay stop <task>",
    run=stop,
    preview=stop_preview,
    params=(Param("task", ParamKind.TASK),),
    locate=located(RELAY, "task"),
    action=fixed_action("trtc:StopPublishCdnStream"),
)
