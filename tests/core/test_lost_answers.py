"""The pipeline tells the truth when TRTC's answer to a write is lost or partial: it
looks at TRTC instead of re-sending, and the reply, the operation and the audit agree."""

from __future__ import annotations

from bot.core.reply import ActionKind, Severity
from bot.store import OperationState
from bot.trtc.simulator.call import Member
from bot.trtc.simulator.lost import LostAnswer
from tests.core.test_pipeline import text
from tests.support.harness import Harness


async def _last_outcome(harness: Harness) -> tuple[str, str | None, list[str]]:
    [record] = await harness.store.audit.recent(1)
    return record.outcome, record.note, list(record.request_ids)


async def test_a_dismissal_whose_answer_was_lost_is_reported_done(harness: Harness) -> None:
    """Approved, applied, answer lost: "done (…answer was lost; checked…)", sent once."""
    harness.sim.simulator.lose_next("DismissRoomByStrRoomId", LostAnswer.INTERNAL_ERROR)
    request = await harness.say("oncall", "dismiss standup")
    reply = await harness.press("lead", request, ActionKind.APPROVE)
    assert reply.severity is Severity.SUCCESS, text(reply)
    assert "first answer was lost (InternalError)" in text(reply)
    assert "checked against TRTC: it took effect" in text(reply)
    assert harness.mutations() == ["DismissRoomByStrRoomId"]
    op = await harness.store.operations.get(request.operation_id or 0)
    assert op is not None and op.state == OperationState.SUCCEEDED
    outcome, _, request_ids = await _last_outcome(harness)
    assert outcome == "succeeded" and request_ids  # InternalError carried a RequestId


async def test_a_kick_whose_connection_dropped_is_checked_not_repeated(harness: Harness) -> None:
    """The connection drops after alice is removed: the reply says so, after one RemoveUser."""
    harness.sim.simulator.lose_next("RemoveUser", LostAnswer.DROP)
    confirm = await harness.say("oncall", "kick 1234 alice")
    reply = await harness.press("oncall", confirm, ActionKind.CONFIRM)
    assert reply.severity is Severity.SUCCESS, text(reply)
    assert "checked against TRTC: it took effect" in text(reply)
    assert harness.mutations() == ["RemoveUser"]
    assert "alice" not in harness.present(1234)


async def test_a_write_that_did_not_happen_is_reported_not_done(harness: Harness) -> None:
    """The answer is lost but alice is still there (nothing happened): "not done", and
    nothing was sent a second time."""
    harness.sim.simulator.lose_next("RemoveUser", LostAnswer.DROP)
    confirm = await harness.say("oncall", "kick 1234 alice")
    world = harness.sim.simulator.world
    original = world.remove_users
    world.remove_users = lambda call, users, action: []  # type: ignore[method-assign]
    try:
        reply = await harness.press("oncall", confirm, ActionKind.CONFIRM)
    finally:
        world.remove_users = original  # type: ignore[method-assign]
    assert reply.severity is Severity.ERROR
    assert "did not take effect" in text(reply) and "nothing was sent again" in text(reply)
    assert harness.mutations() == ["RemoveUser"]
    op = await harness.store.operations.get(confirm.operation_id or 0)
    assert op is not None and op.state == OperationState.FAILED
    assert (await _last_outcome(harness))[0] == "failed"


def _join(harness: Harness, users: list[str]) -> None:
    """``users`` join room 1234: a kick removes only those in the room."""
    call = harness.sim.simulator.world.room(1400000001, 1234)
    assert call is not None
    for user in users:
        call.members[user] = Member(user, call.create_ts + 60)


async def test_a_kick_with_one_refused_batch_reports_each_user(harness: Harness) -> None:
    """Fifteen users, two requests, one refused: who was removed and who was not, in the
    reply, the operation and the audit (outcome partial)."""
    # frank stays: a kick of everyone in the room would be authorized as a dismiss
    users = ["alice", "bob", "carol", "dave", *(f"u{n:02d}" for n in range(6, 17))]
    _join(harness, users[4:])
    harness.sim.simulator.fail_next("RemoveUser", "InvalidParameter.UserIds")
    confirm = await harness.say("oncall", "kick 1234 " + " ".join(users))
    reply = await harness.press("oncall", confirm, ActionKind.CONFIRM)
    assert reply.severity is Severity.WARNING
    assert reply.headline in {
        "Removed 5 of 15 from room 1400000001/1234",
        "Removed 10 of 15 from room 1400000001/1234",
    }
    assert "Not removed: " in text(reply) and "InvalidParameter.UserIds" in text(reply)
    assert len(reply.request_ids) == 2
    op = await harness.store.operations.get(confirm.operation_id or 0)
    assert op is not None and op.state == OperationState.PARTIAL
    assert op.outcome and "Not removed" in op.outcome
    outcome, note, request_ids = await _last_outcome(harness)
    assert outcome == "partial" and note and "Not removed" in note
    assert set(request_ids) == set(reply.request_ids)


async def test_an_unconfirmed_write_whose_answer_was_lost_says_so(harness: Harness) -> None:
    """`unmute` runs without confirmation: a lost answer is "outcome unknown" (audited
    unknown), sent once — not a failure, not a crash."""
    harness.sim.simulator.lose_next("SetUserBlocked", LostAnswer.INTERNAL_ERROR)
    reply = await harness.say("oncall", "unmute 1234 bob")
    assert reply.severity is Severity.WARNING
    assert "was lost: outcome unknown" in reply.headline and "not sent again" in text(reply)
    assert harness.mutations() == ["SetUserBlocked"]
    outcome, _, request_ids = await _last_outcome(harness)
    assert outcome == "unknown" and request_ids


async def test_a_batch_whose_answer_was_lost_is_settled_by_who_is_still_there(
    harness: Harness,
) -> None:
    """Fifteen users in two requests, one answer lost after TRTC removed them: the room is
    looked at, everyone is reported removed, the lost answer is named, nothing re-sent."""
    users = ["alice", "bob", *(f"u{n:02d}" for n in range(3, 16))]  # carol & co. stay
    _join(harness, users[2:])
    harness.sim.simulator.lose_next("RemoveUser", LostAnswer.INTERNAL_ERROR)
    confirm = await harness.say("oncall", "kick 1234 " + " ".join(users))
    reply = await harness.press("oncall", confirm, ActionKind.CONFIRM)
    assert reply.severity is Severity.SUCCESS, text(reply)
    assert reply.headline.startswith("Removed alice, bob")
    assert "TRTC's answer was lost for" in text(reply)
    assert harness.mutations() == ["RemoveUser", "RemoveUser"]
    assert not {"alice", "bob"} & harness.present(1234)
    op = await harness.store.operations.get(confirm.operation_id or 0)
    assert op is not None and op.state == OperationState.SUCCEEDED
