"""`recordings [room]`: live tasks with TRTC's status and how long they have run, and
finished ones with their files and upload status (the chain of custody)."""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    Table,
    TrtcError,
    clock_time,
    format_duration,
    person,
)
from bot.core.recording import ended_why, files_table, what
from bot.store.tables import Recording
from commands.actions import fixed_action

LIMIT = 20


async def _status(ctx: Context, rec: Recording) -> str:
    """TRTC's own word for a live task (DescribeCloudRecording), beside ours."""
    if not rec.status.live and rec.state != "stopping":
        return ended_why(rec) if rec.state == "ended" else rec.state
    try:
        state = await ctx.trtc.recordings.describe(rec.sdkappid, rec.task_id)
    except TrtcError as exc:
        return f"{rec.state} (TRTC: {exc.code})"
    return f"{rec.state} (TRTC: {state.status})"


async def run(ctx: Context, args: Args) -> Reply:
    room = args.get("room")
    store = ctx.services.store.recordings
    rows = await store.listing(
        sdkappid=room.sdkappid if room else None, room=room.room if room else None, limit=LIMIT
    )
    if not rows:
        where = f" of room {room}" if room else ""
        return Reply(headline=f"No recordings{where} on record")
    now = ctx.now
    table = []
    tables: list[Table] = []
    for rec in rows:
        began = rec.started_at or rec.created_at
        lasted = format_duration((rec.ended_at or now) - began)
        table.append(
            (
                str(rec.room_ref),
                rec.task_id,
                await _status(ctx, rec),
                clock_time(rec.created_at),
                lasted,
                what(rec.users, rec.mode),
                person(rec.requester),
                rec.uploads or "-",
            )
        )
        files = await store.files(rec.task_id)
        if files:
            tables.append(
                Table(
                    files_table(files).columns, files_table(files).rows, f"Files of {rec.task_id}"
                )
            )
    columns = ("Room", "TaskId", "Status", "Asked", "Duration", "Recording", "By", "Uploads")
    live = sum(r.status.live for r in rows)
    return Reply(
        headline=f"{len(rows)} recording(s), {live} live",
        tables=(Table(columns, tuple(table)), *tables),
        lines=("Files are never deleted by the bot.",),
    )


SPEC = CommandSpec(
    name="recordings",
    summary="List recordings: live ones with status, finished ones with their files",
    example="recordings 1234",
    run=run,
    params=(Param("room", ParamKind.ROOM, optional=True),),
    action=fixed_action("trtc:DescribeCloudRecording"),
)
