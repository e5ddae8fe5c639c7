"""`record`, `recordings`, `record stop`: the issue's proofs, on the simulator and its callbacks."""

from __future__ import annotations

import asyncio

import pytest

from bot.console.personas import PERSONAS
from bot.core.actor import SystemActor
from bot.core.invocation import Press
from bot.core.reply import ActionKind, Severity
from bot.store import OperationState
from bot.store.tables import RecordingState
from tests.recording.conftest import Opener, Rec
from tests.support.harness import CHANNEL, THREAD


async def _start(rec: Rec, text: str = "record 1234 --for 1m --reason 'abuse report #42'") -> str:
    h = rec.harness
    confirm = await h.say("lead", text)
    assert confirm.headline.startswith("Confirm: record room 1400000001/1234 for ")
    done = await h.press("lead", confirm, ActionKind.CONFIRM)
    assert "TRTC accepted it" in done.headline, done.headline  # not yet "recording"
    task_id = dict(done.fields)["TaskId"]
    assert {a.label for a in done.actions} == {"Stop recording", "Extend 30 min"}
    return task_id


async def _press(rec: Rec, persona: str, action_id: str) -> object:
    p = PERSONAS[persona]
    return await rec.harness.core.press(
        Press(p.user_id, CHANNEL, action_id, usergroups=p.groups, thread=THREAD)
    )


@pytest.mark.storage
async def test_record_confirm_list_stop_files_and_custody(recording_bot: Opener) -> None:
    """record 1234 --for 1m, confirmed: recordings shows it in progress with its TaskId;
    record stop; the file list comes from the simulator's callbacks; the audit's custody
    record names requester, reason, room, TaskId, every RequestId and the files."""
    async with recording_bot() as rec:
        h = rec.harness
        confirm = await h.say("lead", "record 1234 --for 1m --reason 'abuse report #42'")
        assert any("What: the whole room, mixed" in line for line in confirm.lines)
        assert any("Where: Tencent VOD" in line for line in confirm.lines)
        assert any("Privacy: Everyone in the room is recorded" in line for line in confirm.lines)
        done = await h.press("lead", confirm, ActionKind.CONFIRM)
        task_id = dict(done.fields)["TaskId"]
        for _ in range(100):  # the simulator starts recording, then calls back (301)
            await rec.settle()
            started = await h.store.recordings.by_task(task_id)
            if started is not None and started.state == "recording":
                break
            await asyncio.sleep(0.05)
        listed = await h.say("lead", "recordings")
        row = listed.tables[0].rows[0]
        assert row[1] == task_id and row[2] == "recording (TRTC: InProgress)"
        stopped = await h.say("lead", "record stop 1234")
        assert stopped.headline.startswith("Stopped recording room 1400000001/1234")
        await rec.settle()
        await rec.settle()  # the custody record follows the uploads
        listed = await h.say("lead", "recordings 1234")
        files = listed.tables[1]
        assert files.rows[0][0] == "1400000001_1234.mp4"
        assert files.rows[0][5] == "uploaded" and files.rows[0][6].startswith("https://")
        stored = await h.store.recordings.by_task(task_id)
        assert stored is not None and stored.status is RecordingState.ENDED
        audit = [r for r in await h.store.audit.recent(50) if r.outcome == "custody"]
        assert len(audit) == 1
        custody = audit[0]
        assert custody.actor == SystemActor.RECORDING
        assert set(custody.request_ids) == {
            *rec.requests("CreateCloudRecording"),
            *rec.requests("DeleteCloudRecording"),
        }
        assert custody.note is not None
        for fact in (task_id, "U0LEAD", "abuse report #42", "1400000001/1234", ".mp4"):
            assert fact in custody.note
        updated = [n for n in h.notices if n.reply.operation_id == done.operation_id]
        assert updated and updated[-1].reply.tables  # the reply, edited in place, lists files


async def test_recorder_user_sig_is_verified_by_the_simulator(recording_bot: Opener) -> None:
    """The create request carries the configured robot id and a UserSig the simulator
    verified with the SDK secret it shares with the bot."""
    async with recording_bot() as rec:
        await _start(rec)
        sent = next(
            r for r in rec.harness.sim.simulator.requests if r.action == "CreateCloudRecording"
        )
        assert sent.params["UserId"] == "bot_recorder" and sent.error_code is None
        assert sent.params["RoomIdType"] == 1 and sent.params["RoomId"] == "1234"


@pytest.mark.storage
async def test_auto_stop_after_for_with_warning_and_extend(recording_bot: Opener) -> None:
    """A minute's recording is announced before its end with an Extend button; pressing it
    moves the stop 30 minutes; without it, system:recording stops the task at --for."""
    async with recording_bot() as rec:
        h = rec.harness
        task_id = await _start(rec)
        h.clock.advance(20)
        await h.core.tick()
        warned = rec.notices("stops in a minute")
        assert len(warned) == 1
        extend = rec.action(warned[0].reply, "Extend 30 min")
        reply = await _press(rec, "lead", extend.id)
        assert "extended" in reply.headline  # type: ignore[attr-defined]
        h.clock.advance(45)
        await h.core.tick()
        assert rec.requests("DeleteCloudRecording") == []
        stored = await h.store.recordings.by_task(task_id)
        assert stored is not None
        stored_until = stored.until
        h.clock.now = stored_until + 1
        await h.core.tick()
        assert len(rec.requests("DeleteCloudRecording")) == 1
        op = await h.store.operations.get(stored.operation_id or 0)
        assert op is not None and op.status is OperationState.UNDONE
        assert op.decided_by == SystemActor.RECORDING
        await h.core.tick()
        assert len(rec.requests("DeleteCloudRecording")) == 1  # once


async def test_upload_failure_is_reported_in_the_thread(recording_bot: Opener) -> None:
    """With the simulator's upload_fails scenario, the failed VOD upload is said in the thread."""
    async with recording_bot(upload_fails=True) as rec:
        await _start(rec)
        await rec.harness.say("lead", "record stop 1234")
        await rec.settle()
        failed = rec.notices("was not uploaded to VOD")
        assert failed and failed[0].reply.severity is Severity.ERROR
        assert (failed[0].channel, failed[0].thread) == (CHANNEL, THREAD)


async def test_task_that_never_records_is_reported(recording_bot: Opener) -> None:
    """never_starts: TRTC accepts the task but sends nothing; a minute on, Describe says
    Idle and the thread is told the room is NOT being recorded."""
    async with recording_bot(never_starts=True) as rec:
        h = rec.harness
        task_id = await _start(rec, "record 1234 --for 10m")
        await rec.settle()
        assert rec.notices("NOT being recorded") == []
        h.clock.advance(61)
        await rec.settle()
        said = rec.notices("is NOT being recorded")
        posted = [n for n in said if n.reply.operation_id is None]
        assert len(posted) == 1 and task_id in posted[0].reply.headline
        assert any(n.reply.operation_id is not None for n in said)  # and its reply edited
        stored = await h.store.recordings.by_task(task_id)
        assert stored is not None and stored.status is RecordingState.STALLED


async def test_viewer_is_refused_and_oncall_needs_approval(recording_bot: Opener) -> None:
    """The viewer may not record; on-call's request waits for a lead, who approves it."""
    async with recording_bot() as rec:
        h = rec.harness
        refused = await h.say("viewer", "record 1234")
        assert refused.severity is Severity.ERROR
        assert rec.requests("CreateCloudRecording") == []
        asked = await h.say("oncall", "record 1234 --users alice,bob --mode single")
        assert asked.headline.startswith("Approval needed")
        approved = await h.press("lead", asked, ActionKind.APPROVE)
        assert "TRTC accepted it" in approved.headline, approved.headline
        stored = await h.store.recordings.by_task(dict(approved.fields)["TaskId"])
        assert stored is not None
        assert (stored.requester, stored.approver) == ("U0ONCALL", "U0LEAD")
        assert stored.users == ["alice", "bob"] and stored.mode == "single"


async def test_add_users_modifies_the_running_task(recording_bot: Opener) -> None:
    """record 1234 --add-users carol widens the allow-list through ModifyCloudRecording."""
    async with recording_bot() as rec:
        h = rec.harness
        await _start(rec, "record 1234 --users alice --for 1m")
        confirm = await h.say("lead", "record 1234 --add-users carol")
        done = await h.press("lead", confirm, ActionKind.CONFIRM)
        assert "alice, carol only" in done.headline
        assert len(rec.requests("ModifyCloudRecording")) == 1
