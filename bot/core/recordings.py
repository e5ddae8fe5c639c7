"""Recordings look after themselves (the tick, actor ``system:recording``):

* callbacks stored by the receiver are told: the task's messages are updated in place,
  and a failure (start or upload) is also said in the thread;
* a minute before ``until`` the thread is warned, with an "Extend 30 min" button;
* at ``until`` the recording's operation is undone (Stop) through the one execution
  path — claimed first, so across replicas and restarts it happens once;
* failure honesty: a task accepted ``NO_FILE_S`` ago with no start or file callback is
  checked with DescribeCloudRecording; still Idle, it is reported as not recording;
* once a task is over and its uploads settled, one audit record holds its custody.
"""

from __future__ import annotations

import logging

from bot.core.actor import SystemActor
from bot.core.auditing import Outcome
from bot.core.execution import Execution, chore
from bot.core.markup import code, person
from bot.core.notice import Notice
from bot.core.recording import recording_reply, what
from bot.core.reply import Reply, Severity, run_action
from bot.core.values import clock_time, format_duration
from bot.store.custody import START, UPLOAD_ERROR, UPLOAD_STOP, VOD_COMMIT, VOD_STOP, Told
from bot.store.tables import Recording, RecordingState
from bot.trtc.errors import TrtcApiError, TrtcError
from bot.trtc.recording import TaskStatus

log = logging.getLogger(__name__)

WARN_S = 60.0
# The feature page suggests checking 15 s after the start (Idle ⇒ no media); callbacks
# retry for a minute, so a task silent for a minute and still Idle is not recording.
NO_FILE_S = 60.0


async def tend(execution: Execution) -> None:
    await _tell(execution)
    await _warn(execution)
    await _stop_due(execution)
    await _check_silent(execution)
    await _close(execution)


async def show(execution: Execution, rec: Recording) -> None:
    """The task's messages, redrawn from what is on record now."""
    store = execution.services.store
    fresh = await store.recordings.get(rec.id) or rec
    op = await store.operations.get(rec.operation_id) if rec.operation_id else None
    files = await store.recordings.files(rec.task_id)
    view = recording_reply(fresh, files, op, now=execution.services.clock())
    await execution.notify(Notice(rec.channel, rec.thread, view))


def _failure(event: Told) -> str | None:
    p, t = event.payload, event.type
    status = p.get("Status", p.get("LeaveCode", 0))
    if t == START and status != 0:
        return "TRTC could not start the recording (callback 301, Status 1)"
    if t == UPLOAD_ERROR:
        return f"the upload reported an error: {p.get('Code')}: {p.get('Message')} (308)"
    if t == UPLOAD_STOP and status == 1:
        return "some files were left on TRTC's server or backup storage, not uploaded (305)"
    if t == VOD_COMMIT and status != 0:
        name = (p.get("TencentVod") or {}).get("CacheFile", "a file")
        return f"{name} was not uploaded to VOD: {p.get('Errmsg') or 'no reason given'} (311)"
    if t == VOD_STOP and status != 0:
        return "the VOD upload task ended abnormally (312)"
    return None


async def _tell(execution: Execution) -> None:
    store = execution.services.store.recordings
    events = await store.custody.claim()
    for task_id in dict.fromkeys(e.task_id for e in events):
        rec = await store.by_task(task_id)
        if rec is None:
            continue
        await show(execution, rec)
        for event in (e for e in events if e.task_id == task_id):
            why = _failure(event)
            if why is not None:
                reply = Reply(
                    headline=f"Recording {rec.task_id} of room {rec.room_ref}: {why}",
                    severity=Severity.ERROR,
                    lines=("The bot deletes no file; ask TRTC support to recover what was left.",),
                )
                await execution.notify(Notice(rec.channel, rec.thread, reply))


async def _warn(execution: Execution) -> None:
    services = execution.services
    store = services.store.recordings
    for rec in await store.to_warn(services.clock(), WARN_S):
        if not await store.mark_warned(rec):
            continue
        reply = Reply(
            headline=f"The recording of room {rec.room_ref} stops in a minute "
            f"(at {clock_time(rec.until)})",
            severity=Severity.WARNING,
            lines=(f"Recording {what(rec.users, rec.mode)}; TaskId {rec.task_id}.",),
            actions=(run_action("Extend 30 min", f"record extend {rec.task_id}"),),
        )
        await execution.notify(Notice(rec.channel, rec.thread, reply))


async def _stop_due(execution: Execution) -> None:
    services = execution.services
    store, ops = services.store.recordings, services.store.operations
    for rec in await store.due(services.clock(), mine=services.instance):
        if not await store.claim_stop(rec, services.instance):
            continue  # another task or replica has it
        op = await ops.get(rec.operation_id) if rec.operation_id is not None else None
        if op is None:
            log.error("recording %s has no operation: stop it with record stop", rec.task_id)
            continue
        asked = format_duration(rec.until - rec.created_at)
        attempt = await execution.undo(
            op,
            chore(SystemActor.RECORDING, op),
            note=f"Stopped automatically: the {asked} asked for by {person(rec.requester)} "
            "are over.",
            fallback=f"The bot tries again shortly; to stop it now: record stop {rec.task_id}",
        )
        if attempt.done is False:  # TRTC refused: back to live, due again in 30 s
            await store.transition(
                rec.id,
                [RecordingState.STOPPING],
                RecordingState.RECORDING,
                until=services.clock() + 30,
                stopper=None,
            )


async def _check_silent(execution: Execution) -> None:
    services = execution.services
    store = services.store.recordings
    now = services.clock()
    for rec in await store.starting_since(now - NO_FILE_S):
        try:
            state = await services.trtc.recordings.describe(rec.sdkappid, rec.task_id)
        except TrtcApiError as exc:
            if exc.code != "ResourceNotFound":
                continue
            gone = f"TRTC no longer knows the task ({exc.code}); it never recorded"
            if await store.transition(
                rec.id,
                [RecordingState.STARTING],
                RecordingState.ENDED,
                ended_at=now,
                uploads="none",
                note=gone,
            ):
                await _say_silent(execution, rec, gone)
            continue
        except TrtcError:
            continue  # ask again at the next tick
        if state.status == TaskStatus.IN_PROGRESS or state.files:
            await store.transition(
                rec.id,
                [RecordingState.STARTING],
                RecordingState.RECORDING,
                started_at=now,
                note="TRTC says it is recording, but its callbacks have not arrived",
            )
            await show(execution, rec)
            continue
        why = (
            f"{format_duration(NO_FILE_S)} after TRTC accepted it there is no start or file "
            f"callback, and DescribeCloudRecording says {state.status or 'nothing'}"
        )
        if await store.transition(
            rec.id, [RecordingState.STARTING], RecordingState.STALLED, note=why
        ):
            await _say_silent(execution, rec, why)


async def _say_silent(execution: Execution, rec: Recording, why: str) -> None:
    reply = Reply(
        headline=f"Room {rec.room_ref} is NOT being recorded (TaskId {rec.task_id})",
        severity=Severity.ERROR,
        lines=(
            f"{why}.",
            "Nobody may be publishing, or the task is stuck; it records once someone "
            f"publishes. To give up: {code(f'record stop {rec.task_id}')}.",
        ),
    )
    await execution.notify(Notice(rec.channel, rec.thread, reply))
    await show(execution, rec)


async def _close(execution: Execution) -> None:
    """One custody record per finished task: requester, approver, reason, room, users,
    TaskId, every RequestId and the final file list."""
    services = execution.services
    store = services.store.recordings
    for rec in await store.unclosed():
        if not await store.close_custody(rec.id, services.clock()):
            continue
        op = await services.store.operations.get(rec.operation_id) if rec.operation_id else None
        if op is None:
            log.error("recording %s has no operation to file its custody under", rec.task_id)
            continue
        files = await store.files(rec.task_id)
        listed = "; ".join(
            f"{f.name} [{f.user_id or 'mixed'} {f.track or '-'}, began "
            f"{clock_time(f.begin_ms / 1000) if f.begin_ms else '-'}, {f.upload}"
            f"{', ' + f.url if f.url else ''}]"
            for f in files
        )
        note = (
            f"custody of TaskId {rec.task_id}: room {rec.room_ref}; recorded "
            f"{what(rec.users, rec.mode)}; requester {rec.requester}; approver "
            f"{rec.approver or 'none'}; reason {rec.reason or 'none'}; storage "
            f"{rec.storage_where}; ended: {rec.state} ({rec.leave_code}); uploads "
            f"{rec.uploads}; files: {listed or 'none'}"
        )
        await execution.record(
            chore(SystemActor.RECORDING, op),
            op,
            Outcome.CUSTODY,
            approver=rec.approver,
            request_ids=tuple(rec.request_ids),
            note=note,
        )
        await show(execution, rec)
