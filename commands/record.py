"""`record <room> [--users a,b] [--mode mixed|single] [--for 30m] [--reason "…"]`, its
`--add-users …` form, `record stop <room|task>` and `record extend <room|task>`.

A recording is evidence: it is confirmed first (what, where, how long, the privacy
line), stops by itself (the bot's ``system:recording`` runs the Stop at ``--for``),
and its files are never deleted. The recorder joins as TRTC_CHATOPS_RECORDER_USER with
a UserSig from TRTC_SDK_SECRET_KEY valid as long as TRTC can address the task
(``ResourceExpiredHour`` 720 h, the API's maximum), which is also why ``--for`` ends
an hour before that: past it the bot could no longer stop the task (§4.1).
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
    Severity,
    TrtcApiError,
    clock_time,
    format_duration,
    person,
)
from bot.core.notice import Notice
from bot.core.recording import DEFAULT_PRIVACY, EXTEND_S, RecordingTerms, recording_reply, what
from bot.store import OperationState
from bot.store.tables import Recording as Row
from bot.store.tables import RecordingState
from bot.trtc.errors import TrtcLimitError
from bot.trtc.recording import Recording, RecordMode
from commands.actions import fixed_action

DEFAULT_FOR = 1800
MAX_FOR = (720 - 1) * 3600
SIG_VALID_S = 720 * 3600
MODES = {"mixed": RecordMode.MIXED, "single": RecordMode.SINGLE}
MAX_USERS = 32


def _users(text: str | None) -> list[str]:
    if not text:
        return []
    users = [u.strip() for u in text.split(",") if u.strip()]
    if len(users) > MAX_USERS:
        raise BadValue(f"at most {MAX_USERS} users per recording (TRTC's allow-list)")
    return list(dict.fromkeys(users))


def check(args: Args, now: float) -> None:
    _users(args["users"])
    _users(args["add-users"])
    if args["mode"] is not None and args["mode"] not in MODES:
        raise BadValue("--mode is mixed (one picture of everyone) or single (a file per user)")
    if args["add-users"] and any(args[o] is not None for o in ("users", "mode", "for")):
        raise BadValue("--add-users changes a running recording: give it alone")


def _terms(ctx: Context) -> RecordingTerms:
    terms = ctx.services.recording
    if terms is None:
        raise TrtcLimitError(
            "recording is not set up: set TRTC_CHATOPS_RECORDING_STORAGE (where files go) "
            "and TRTC_SDK_SECRET_KEY (the application's SDK secret)",
            action="CreateCloudRecording",
        )
    return terms


async def _live(ctx: Context, args: Args) -> list[Row]:
    room = args.room
    store = ctx.services.store.recordings
    return list(await store.live_in(room.sdkappid, room.room, room.numeric))


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    terms, room = _terms(ctx), args.room
    live = await _live(ctx, args)
    if args["add-users"]:
        if not live:
            raise TrtcLimitError(
                f"room {room} has no recording running: start one with `record {room}`",
                action="ModifyCloudRecording",
            )
        rec, added = live[0], _users(args["add-users"])
        users = list(dict.fromkeys([*rec.users, *added]))
        return f"add {', '.join(added)} to recording {rec.task_id} of room {room}", [
            f"It will record {what(users, rec.mode)} (ModifyCloudRecording)."
        ]
    if live:
        raise TrtcLimitError(
            f"room {room} is already being recorded (TaskId {live[0].task_id}): "
            "use --add-users, or `record stop` first",
            action="CreateCloudRecording",
        )
    users, mode = _users(args["users"]), args["mode"] or "mixed"
    length = args["for"] or DEFAULT_FOR
    privacy = ctx.services.policies().recording_privacy or DEFAULT_PRIVACY
    return f"record room {room} for {format_duration(length)}", [
        f"What: {what(users, mode)}.",
        f"Where: {terms.where}.",
        f"How long: at most {format_duration(length)}; it stops by itself, announced a "
        "minute before.",
        f"Privacy: {privacy}",
    ]


async def run(ctx: Context, args: Args) -> Reply:
    if args["add-users"]:
        return await _add_users(ctx, args)
    terms, room = _terms(ctx), args.room
    users, mode = _users(args["users"]), args["mode"] or "mixed"
    now = ctx.now
    recording = Recording(
        sdkappid=room.sdkappid,
        room=room.api_room,
        robot=terms.robot,
        user_sig=terms.user_sig(room.sdkappid, SIG_VALID_S, now),
        mode=MODES[mode],
        storage=terms.storage,
        users=tuple(users),
    )
    task_id, request_id = await ctx.trtc.recordings.create(recording)
    inv = ctx.invocation
    rec = await ctx.services.store.recordings.add(
        task_id=task_id,
        sdkappid=room.sdkappid,
        room=room.room,
        room_numeric=room.numeric,
        users=users,
        mode=mode,
        storage=terms.kind,
        storage_where=terms.where,
        url_base=terms.url_base(task_id),
        robot=terms.robot,
        requester=inv.actor,
        approver=ctx.approved_by,
        reason=args["reason"],
        channel=inv.channel,
        thread=inv.thread,
        operation_id=ctx.operation_id,
        request_ids=[request_id],
        created_at=now,
        until=now + (args["for"] or DEFAULT_FOR),
    )
    return recording_reply(rec, [], None, now=now)


async def _add_users(ctx: Context, args: Args) -> Reply:
    live = await _live(ctx, args)
    if not live:
        raise TrtcLimitError(
            f"room {args.room} has no recording running", action="ModifyCloudRecording"
        )
    rec = live[0]
    users = list(dict.fromkeys([*rec.users, *_users(args["add-users"])]))
    if not rec.users:
        users = []  # the whole room is recorded already: nothing to narrow
    request_id = await ctx.trtc.recordings.subscribe(rec.sdkappid, rec.task_id, users)
    store = ctx.services.store.recordings
    await store.update(rec.id, users=users)
    await store.add_request_id(rec.id, request_id)
    return Reply(
        headline=f"Recording {rec.task_id} of room {args.room} now records {what(users, rec.mode)}",
        severity=Severity.SUCCESS,
        fields=(("TaskId", rec.task_id), ("RequestId", request_id)),
        request_ids=(request_id,),
    )


async def _target(ctx: Context, args: Args) -> Row:
    """The recording a `record stop`/`extend` names: a TaskId, else the room's live one."""
    store, room = ctx.services.store.recordings, args.room
    rec = await store.by_task(room.room) if not room.numeric else None
    if rec is not None:
        return rec
    live = await _live(ctx, args)
    if not live:
        raise TrtcLimitError(
            f"no recording is running in room {room} (and no TaskId {room.room!r} is known)",
            action="DeleteCloudRecording",
        )
    return live[0]


async def stop_recording(ctx: Context, rec: Row, why: str) -> Reply:
    """DeleteCloudRecording; a task TRTC no longer knows has ended already, which is
    what was wanted. Uploads go on and are reported by callback."""
    store = ctx.services.store.recordings
    live = [s for s in RecordingState if s.live] + [RecordingState.STOPPING]
    try:
        request_id = await ctx.trtc.recordings.delete(rec.sdkappid, rec.task_id)
    except TrtcApiError as exc:
        if exc.code != "ResourceNotFound":
            raise
        await store.transition(rec.id, live, RecordingState.ENDED, ended_at=ctx.now, note=str(exc))
        return Reply(
            headline=f"Recording {rec.task_id} of room {rec.room_ref} had already ended",
            request_ids=(exc.request_id,) if exc.request_id else (),
        )
    await store.transition(rec.id, live, RecordingState.STOPPING)
    await store.add_request_id(rec.id, request_id)
    return Reply(
        headline=f"Stopped recording room {rec.room_ref} ({why})",
        severity=Severity.SUCCESS,
        lines=("Uploads go on; files appear as TRTC reports them. The bot deletes no file.",),
        fields=(("TaskId", rec.task_id), ("RequestId", request_id)),
        request_ids=(request_id,),
    )


async def undo(ctx: Context, args: Args) -> Reply:
    """The Stop button (and the auto-stop): the recording this operation started."""
    rec = await ctx.services.store.recordings.by_operation(ctx.operation_id or -1)
    if rec is None:
        raise TrtcLimitError("this operation started no recording", action="DeleteCloudRecording")
    return await stop_recording(ctx, rec, f"by {person(ctx.invocation.actor)}")


async def stop(ctx: Context, args: Args) -> Reply:
    rec = await _target(ctx, args)
    reply = await stop_recording(ctx, rec, f"by {person(ctx.invocation.actor)}")
    if rec.operation_id is not None and rec.operation_id != ctx.operation_id:
        ended = await ctx.services.store.operations.transition(
            rec.operation_id,
            [OperationState.SUCCEEDED, OperationState.UNKNOWN],
            OperationState.UNDONE,
            outcome=f"no longer in force: stopped by {ctx.invocation.actor}",
            decided_by=ctx.invocation.actor,
            decided_at=ctx.now,
        )
        if ended:  # its message loses its Stop button
            fresh = await ctx.services.store.recordings.get(rec.id) or rec
            files = await ctx.services.store.recordings.files(rec.task_id)
            op = await ctx.services.store.operations.get(rec.operation_id)
            view = recording_reply(fresh, files, op, now=ctx.now)
            await ctx.tell(Notice(rec.channel, rec.thread, view))
    return reply


async def extend(ctx: Context, args: Args) -> Reply:
    rec = await _target(ctx, args)
    if not rec.status.live:
        return Reply(headline=f"Recording {rec.task_id} is {rec.state}: nothing to extend")
    until = min(max(rec.until, ctx.now) + EXTEND_S, rec.created_at + MAX_FOR)
    if until <= rec.until or not await ctx.services.store.recordings.extend(rec.id, until):
        return Reply(
            headline=f"Recording {rec.task_id} cannot run longer",
            severity=Severity.WARNING,
            lines=(f"It already runs to the most the bot can stop ({format_duration(MAX_FOR)}).",),
        )
    return Reply(
        headline=f"Recording of room {rec.room_ref} extended: it now stops at {clock_time(until)}",
        severity=Severity.SUCCESS,
        fields=(("TaskId", rec.task_id), ("Extended by", person(ctx.invocation.actor))),
    )


def _target_param() -> tuple[Param, ...]:
    return (Param("room", ParamKind.ROOM),)


SPEC = CommandSpec(
    name="record",
    summary="Record a room on TRTC's cloud, with chain of custody (asks for confirmation)",
    example='record 1234 --for 30m --reason "abuse report #42"',
    run=run,
    preview=preview,
    undo=undo,
    undo_label="Stop recording",
    params=_target_param(),
    options=(
        Option("users", ParamKind.TEXT, metavar="a,b"),
        Option("mode", ParamKind.TEXT, metavar="mixed|single"),
        Option("for", ParamKind.DURATION, default=None, minimum=60, maximum=MAX_FOR, metavar="30m"),
        Option("reason", ParamKind.TEXT, metavar='"…"'),
        Option("add-users", ParamKind.TEXT, metavar="a,b"),
    ),
    action=lambda args: (
        "trtc:ModifyCloudRecording" if args.get("add-users") else "trtc:CreateCloudRecording"
    ),
    check=check,
)

STOP_SPEC = CommandSpec(
    name="record stop",
    summary="Stop a room's recording (its files are kept)",
    example="record stop 1234",
    run=stop,
    params=_target_param(),
    action=fixed_action("trtc:DeleteCloudRecording"),
)

EXTEND_SPEC = CommandSpec(
    name="record extend",
    summary="Let a room's recording run 30 minutes longer",
    example="record extend 1234",
    run=extend,
    params=_target_param(),
    action=fixed_action("trtc:CreateCloudRecording"),
)
