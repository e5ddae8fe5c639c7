"""`ingest <room|task>`, `ingest stop <task|room>`, `ingest start <room> --url … --user …`.

Stream ingest pulls an outside stream into a room as a robot user. TRTC sends no
callback for it, so the bot knows the ingests it started (and any TaskId typed to
it); `ingest` asks DescribeStreamIngest about each. Source URLs are stored and
shown masked.
"""

from __future__ import annotations

from bot.core import (
    Args,
    BadValue,
    CommandSpec,
    Context,
    Option,
    Param,
    ParamKind,
    Reply,
    RoomRef,
    Severity,
    TrtcApiError,
    TrtcError,
    code,
)
from bot.store.relays import INGEST
from bot.store.tables import RelayTask
from bot.trtc import relays as api
from bot.trtc.masking import mask_url
from bot.trtc.usersig import user_sig
from commands.actions import fixed_action
from commands.broadcast import GONE, describe, located, short

DEFAULT_USER = "bot_ingest"


async def _known(
    ctx: Context, target: RoomRef | str
) -> tuple[int | None, dict[str, list[RelayTask]]]:
    """(application, task → rows) for a room's running ingests or one TaskId."""
    store = ctx.services.store.relays
    if isinstance(target, RoomRef):
        rows = await store.live(target, INGEST)
        app: int | None = target.sdkappid
    else:
        rows = list(await store.task(INGEST, target))
        app = rows[0].sdkappid if rows else ctx.services.grammar.default_app
        if not rows:
            return app, {target: []}
    grouped: dict[str, list[RelayTask]] = {}
    for row in rows:
        grouped.setdefault(row.task_id, []).append(row)
    return app, grouped


async def show(ctx: Context, args: Args) -> Reply:
    target = args["target"]
    app, grouped = await _known(ctx, target)
    if app is None or not grouped:
        return Reply(
            headline=f"Room {target}: no stream ingest known",
            lines=("The bot knows the ingests it starts; TRTC has no API that lists them.",),
        )
    lines, running = [], 0
    store = ctx.services.store.relays
    for task_id, rows in grouped.items():
        status = await api.describe_stream_ingest(ctx.trtc, app, task_id)
        if status == api.IN_PROGRESS:
            running += 1
            await store.mark(INGEST, task_id, state="running", event="in progress", now=ctx.now)
        else:
            await store.mark(INGEST, task_id, state="ended", event=status, now=ctx.now)
        shown = describe(rows) if rows else f"Task {code(task_id)}"
        lines.append(f"{shown} — TRTC says {status}")
    return Reply(
        headline=f"{target}: {running} stream ingest(s) in progress",
        lines=tuple(lines),
    )


async def stop_preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    _, grouped = await _known(ctx, args["target"])
    lines = [
        f"Stop ingest {short(t)}" + (f" from {rows[0].url}" if rows else "") + "."
        for t, rows in grouped.items()
    ] or ["The bot knows of no ingest there; nothing would be stopped."]
    return f"stop stream ingest in {args['target']}", lines


async def stop(ctx: Context, args: Args) -> Reply:
    app, grouped = await _known(ctx, args["target"])
    if app is None or not grouped:
        return Reply(headline=f"{args['target']}: no stream ingest known; nothing was stopped")
    lines, stopped, errors = [], 0, list[TrtcError]()
    store = ctx.services.store.relays
    for task_id, rows in grouped.items():
        source = f" from {rows[0].url}" if rows else ""
        try:
            await api.stop_stream_ingest(ctx.trtc, app, task_id)
        except TrtcApiError as exc:
            if exc.code not in GONE:
                errors.append(exc)
                lines.append(f"Not stopped: ingest {short(task_id)}{source}: {exc.code}.")
                continue
            lines.append(f"Already ended: ingest {short(task_id)}{source}.")
        except TrtcError as exc:
            errors.append(exc)
            lines.append(f"Not stopped: ingest {short(task_id)}{source}: {exc.code}.")
            continue
        else:
            lines.append(f"Stopped: ingest {short(task_id)}{source}.")
        stopped += 1
        why = f"stopped by {ctx.invocation.actor}"
        await store.mark(INGEST, task_id, state="stopped", event=why, now=ctx.now)
    if errors and not stopped:
        raise errors[0]
    return Reply(
        headline=f"Stopped {stopped} of {len(grouped)} stream ingest(s) in {args['target']}",
        severity=Severity.WARNING if errors else Severity.SUCCESS,
        lines=tuple(lines),
        partial=bool(errors),
    )


def _check_start(args: Args, _now: float) -> None:
    if not args["url"].lower().startswith(("rtmp://", "rtmps://", "http://", "https://", "srt://")):
        raise BadValue("--url must be an rtmp, http(s) or srt URL")


async def start_preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    source, user = mask_url(args["url"]), args["user"]
    return f"pull {source} into room {args.room} as {user}", [
        f"Everyone in the room hears and sees it as user {user}.",
        f"Stop it with {code(f'ingest stop {args.room}')}.",
    ]


async def start(ctx: Context, args: Args) -> Reply:
    room, user = args.room, args["user"]
    secret = ctx.services.sdk_secret
    if secret is None:
        return Reply(
            headline="Ingest not started: TRTC_SDK_SECRET_KEY is not set",
            severity=Severity.ERROR,
            lines=("The ingest robot enters the room with a UserSig signed with it.",),
        )
    sig = user_sig(room.sdkappid, secret.get_secret_value(), user)
    task_id = await api.start_stream_ingest(
        ctx.trtc, room.sdkappid, room.api_room, user_id=user, user_sig=sig, url=args["url"]
    )
    source = mask_url(args["url"])
    await ctx.services.store.relays.started(
        kind=INGEST,
        room=room,
        task_id=task_id,
        url=source,
        robot=user,
        by=ctx.invocation.actor,
        state="running",
        now=ctx.now,
    )
    return Reply(
        headline=f"Pulling {source} into room {room} as {user}",
        severity=Severity.SUCCESS,
        lines=(f"Task {code(task_id)}.",),
    )


SHOW_SPEC = CommandSpec(
    name="ingest",
    summary="Stream ingests of a room (or one TaskId), with TRTC's status",
    example="ingest 1234",
    run=show,
    params=(Param("target", ParamKind.ROOM_OR_TASK),),
    locate=located(INGEST, "target"),
    action=fixed_action("trtc:DescribeStreamIngest"),
)

STOP_SPEC = CommandSpec(
    name="ingest stop",
    summary="Stop a stream ingest by TaskId, or every one the bot knows in a room",
    example="ingest stop 1234",
    run=stop,
    preview=stop_preview,
    params=(Param("target", ParamKind.ROOM_OR_TASK),),
    locate=located(INGEST, "target"),
    action=fixed_action("trtc:StopStreamIngest"),
)

START_SPEC = CommandSpec(
    name="ingest start",
    summary="Pull an outside stream into a room as a robot user (asks for confirmation)",
    example="ingest start 1234 --url https://media.example.com/clip.mp4 --user bot_ingest",
    run=start,
    preview=start_preview,
    params=(Param("room", ParamKind.ROOM),),
    options=(
        Option("url", ParamKind.URL, metavar="rtmp|http(s)|srt://…", required=True),
        Option("user", ParamKind.USER, default=DEFAULT_USER, metavar="user"),
    ),
    check=_check_start,
    action=fixed_action("trtc:StartStreamIngest"),
)
