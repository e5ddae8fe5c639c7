"""An operation a crashed process left `executing` is resolved once, never re-run."""

from __future__ import annotations

import pytest

from bot.core.recovery import stranded_after
from bot.core.reply import ActionKind
from bot.store import OperationState
from bot.store.replicas import DEAD_AFTER_S
from tests.support.harness import Harness

pytestmark = pytest.mark.storage


async def _strand(harness: Harness, line: str, persona: str = "oncall") -> int:
    """Request and claim an operation as a runner that then dies before running it."""
    reply = await harness.say(persona, line)
    op_id = reply.operation_id or 0
    claimed = await harness.store.operations.transition(
        op_id,
        [OperationState.AWAITING_CONFIRM, OperationState.PENDING_APPROVAL],
        OperationState.EXECUTING,
        decided_by="U0ONCALL",
        decided_at=harness.clock(),
    )
    assert claimed
    return op_id


async def test_unverifiable_operation_reported_unknown(harness: Harness) -> None:
    """A mute left executing is reported as unknown after a restart, and not re-run."""
    op_id = await _strand(harness, "mute 1234 bob")
    await harness.restart()
    await harness.core.tick()
    assert harness.notices == []  # too recent: its runner may still be working
    harness.clock.advance(stranded_after(harness.core.services) + 1)
    await harness.core.tick()
    op = await harness.store.operations.get(op_id)
    assert op is not None and op.state == OperationState.UNKNOWN
    assert "check before retrying" in harness.notices[0].reply.headline
    assert harness.mutations() == []
    await harness.core.tick()
    assert len(harness.notices) == 1


async def test_kick_checked_against_trtc(harness: Harness) -> None:
    """A kick that did take effect before the crash is recorded as succeeded."""
    op_id = await _strand(harness, "kick 1234 alice")
    await harness.core.services.trtc.remove_users(1400000001, 1234, ["alice"])
    harness.clock.advance(stranded_after(harness.core.services) + 1)
    await harness.restart()
    await harness.core.tick()
    op = await harness.store.operations.get(op_id)
    assert op is not None and op.state == OperationState.SUCCEEDED
    assert "done" in harness.notices[0].reply.headline


async def test_kick_not_done_is_unknown_and_button_is_dead(harness: Harness) -> None:
    """A kick that never reached TRTC is reported, and its old Confirm does nothing."""
    reply = await harness.say("oncall", "kick 1234 carol")
    await harness.store.operations.transition(
        reply.operation_id or 0,
        [OperationState.AWAITING_CONFIRM],
        OperationState.EXECUTING,
        decided_at=harness.clock(),
    )
    harness.clock.advance(stranded_after(harness.core.services) + 1)
    await harness.core.tick()
    late = await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert late.private
    assert "carol" in harness.present(1234)
    assert harness.mutations() == []


async def test_dead_replicas_operation_recovered_once_its_heartbeat_stops(
    harness: Harness,
) -> None:
    """A replica killed mid-run: its executing operation is resolved as soon as its
    heartbeat lapses, without waiting for the slowest possible run; a live replica's
    operation is left alone."""
    dead, alive = "r-killed", "r-working"
    ops = harness.store.operations
    ids = []
    for user, owner in (("alice", dead), ("bob", alive)):
        reply = await harness.say("oncall", f"kick 1234 {user}")
        ids.append(reply.operation_id or 0)
        assert await ops.transition(
            ids[-1],
            [OperationState.AWAITING_CONFIRM],
            OperationState.EXECUTING,
            decided_at=harness.clock(),
            executor=owner,
        )
        await harness.store.replicas.beat(owner, harness.clock())
    await harness.core.tick()
    assert harness.notices == []  # both beat just now
    harness.clock.advance(DEAD_AFTER_S + 1)
    await harness.store.replicas.beat(alive, harness.clock())
    await harness.restart()
    await harness.core.tick()
    states = [op.state for op in [await harness.store.operations.get(i) for i in ids] if op]
    assert states == [OperationState.UNKNOWN, OperationState.EXECUTING]
    assert len(harness.notices) == 1 and "alice" in harness.notices[0].reply.headline
    assert harness.mutations() == []  # never re-run


async def test_recovery_is_on_the_record_once_as_the_system(harness: Harness) -> None:
    """A recovered operation leaves one audit record by system:recovery, written through
    the common auditing path (the operation's command, action and resource with it)."""
    op_id = await _strand(harness, "kick 1234 alice")
    harness.clock.advance(stranded_after(harness.core.services) + 1)
    await harness.restart()
    await harness.core.tick()
    await harness.core.tick()
    [record] = await harness.store.audit.recent(50, actor="system:recovery")
    assert record.outcome == "recovered:unknown" and record.origin == "system"
    assert record.operation_id == op_id and record.approver == "U0ONCALL"
    assert (record.command, record.action) == ("kick", "trtc:RemoveUser")
    assert record.text == "kick 1234 alice" and record.delivery is None


async def test_a_replica_never_recovers_its_own_operation(harness: Harness) -> None:
    """Its own beat looks long stale and the run longer than any run takes: while it
    lives it is still running it, so its tick leaves the operation alone; another
    replica (a new process on the same database) resolves it."""
    instance = harness.core.services.instance
    reply = await harness.say("oncall", "kick 1234 alice")
    op_id = reply.operation_id or 0
    assert await harness.store.operations.transition(
        op_id,
        [OperationState.AWAITING_CONFIRM],
        OperationState.EXECUTING,
        decided_at=harness.clock(),
        executor=instance,
    )
    await harness.core.beat()
    harness.clock.advance(stranded_after(harness.core.services) + DEAD_AFTER_S + 1)
    await harness.core.tick()
    op = await harness.store.operations.get(op_id)
    assert op is not None and op.state == OperationState.EXECUTING and not harness.notices
    await harness.restart()
    await harness.core.tick()
    op = await harness.store.operations.get(op_id)
    assert op is not None and op.state == OperationState.UNKNOWN
