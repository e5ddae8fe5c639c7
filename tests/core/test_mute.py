"""Timed mutes lift themselves, across a restart; Undo unmutes."""

from __future__ import annotations

import pytest

from bot.core.lifts import RETRY_FIRST_S, RETRY_MAX_S, retry_delay
from bot.core.reply import ActionKind, Severity
from bot.store import MuteState, OperationState
from bot.store.replicas import DEAD_AFTER_S
from tests.support.harness import Harness


def blocked(harness: Harness, user: str, room: int | str = 1234) -> int:
    state = harness.sim.simulator.world.user_state(1400000001, room, user)
    assert state is not None
    return int(state.is_mute)


async def _mute(harness: Harness, line: str) -> object:
    reply = await harness.say("oncall", line)
    done = await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    return done


async def test_timed_mute_lifts_itself(harness: Harness) -> None:
    """mute --for 10m blocks now and unblocks once the clock passes ten minutes."""
    await _mute(harness, "mute 1234 bob --for 10m")
    assert blocked(harness, "bob") == 1
    harness.clock.advance(9 * 60)
    await harness.core.tick()
    assert blocked(harness, "bob") == 1 and not harness.notices
    harness.clock.advance(61)
    await harness.core.tick()
    assert blocked(harness, "bob") == 0
    assert "Unmuted bob" in harness.notices[0].reply.headline
    await harness.core.tick()  # lifted once, not again
    assert harness.mutations().count("SetUserBlocked") == 2


@pytest.mark.storage
async def test_timed_mute_lifts_after_restart(harness: Harness) -> None:
    """A restart between mute and expiry still lifts it."""
    await _mute(harness, "mute 1234 carol --for 1m")
    await harness.restart()
    harness.clock.advance(61)
    await harness.core.tick()
    assert blocked(harness, "carol") == 0


@pytest.mark.storage
async def test_a_lift_cut_short_by_a_dead_replica_is_finished_by_another(
    harness: Harness,
) -> None:
    """A replica claimed the due mute and died before unmuting: once its heartbeat lapses,
    another lifts it (the user is not left muted for good), and only then."""
    await _mute(harness, "mute 1234 frank --for 1m")
    harness.clock.advance(61)
    [due] = await harness.store.mutes.due(harness.clock())
    await harness.store.replicas.beat("r-killed", harness.clock())
    assert await harness.store.mutes.claim(due, "r-killed")
    await harness.core.tick()
    assert blocked(harness, "frank") == 1  # its lifter may still be at work
    harness.clock.advance(DEAD_AFTER_S + 1)
    await harness.core.tick()
    assert blocked(harness, "frank") == 0
    mute = await harness.store.mutes.get(due.id)
    assert mute is not None and mute.state == MuteState.LIFTED
    assert harness.mutations().count("SetUserBlocked") == 2


async def test_undo_unmutes_and_cancels_the_timer(harness: Harness) -> None:
    """Undo unblocks at once; the timer then has nothing to lift."""
    done = await _mute(harness, "mute 1234 dave --for 5m")
    undo = await harness.press("oncall", done, ActionKind.UNDO)  # type: ignore[arg-type]
    assert "Unmuted dave" in undo.headline and blocked(harness, "dave") == 0
    again = await harness.press("oncall", done, ActionKind.UNDO)  # type: ignore[arg-type]
    assert again.private
    harness.clock.advance(301)
    await harness.core.tick()
    assert harness.mutations().count("SetUserBlocked") == 2
    mutes = await harness.store.mutes.due(harness.clock())
    assert not mutes


async def test_unmute_command_closes_open_mutes(harness: Harness) -> None:
    """`unmute` needs no confirmation and ends the timed mute."""
    await _mute(harness, "mute standup grace --for 10m")
    reply = await harness.say("oncall", "unmute standup grace")
    assert reply.severity is Severity.SUCCESS
    mute = await harness.store.mutes.get(1)
    assert mute is not None and mute.state == MuteState.UNDONE


async def test_lift_is_audited_once_as_the_system_and_its_undo_is_refused(
    harness: Harness,
) -> None:
    """A timed mute's lift leaves one audit record by system:timed-mute with TRTC's
    RequestId, its notice is about the mute's operation, and the mute's Undo pressed
    afterwards is refused without touching TRTC."""
    done = await _mute(harness, "mute 1234 bob --for 10m")
    op_id = done.operation_id  # type: ignore[attr-defined]
    harness.clock.advance(601)
    await harness.core.tick()
    await harness.core.tick()  # nothing left to lift, nothing more on record
    unblock = [r for r in harness.sim.simulator.requests if r.action == "SetUserBlocked"][-1]
    [lift] = await harness.store.audit.recent(50, actor="system:timed-mute")
    assert lift.outcome == "undone" and lift.origin == "system"
    assert lift.operation_id == op_id and lift.command == "mute"
    assert lift.request_ids == [unblock.request_id] and lift.delivery is None
    [notice] = harness.notices
    assert notice.reply.operation_id == op_id and not notice.reply.actions
    op = await harness.store.operations.get(op_id)
    assert op is not None and op.status is OperationState.UNDONE
    late = await harness.press("oncall", done, ActionKind.UNDO)  # type: ignore[arg-type]
    assert late.private and "no longer in force (lifted by system:timed-mute" in late.headline
    assert harness.mutations().count("SetUserBlocked") == 2
    assert blocked(harness, "bob") == 0
    [refused] = await harness.store.audit.recent(1)
    assert refused.outcome == "refused" and refused.actor == "U0ONCALL"


def test_lift_retries_back_off_up_to_a_few_minutes() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [RETRY_FIRST_S, 2 * RETRY_FIRST_S, 40.0]
    assert retry_delay(50) == RETRY_MAX_S <= 300


@pytest.mark.storage
async def test_a_failed_lift_is_retried_until_it_succeeds(harness: Harness) -> None:
    """TRTC refuses the lift twice: the mute stays due, tried again with backoff; the
    thread is warned once, after the first failure; the third try unmutes, and the
    messages show it as any lift does."""
    await _mute(harness, "mute 1234 bob --for 1m")
    harness.sim.simulator.fail_next("SetUserBlocked", "FailedOperation", times=2)
    harness.clock.advance(61)
    await harness.core.tick()
    assert blocked(harness, "bob") == 1
    [warning] = harness.notices
    assert "could not be undone" in warning.reply.headline
    assert any("keeps trying" in line for line in warning.reply.lines)
    mute = await harness.store.mutes.get(1)
    assert mute is not None and mute.state == MuteState.ACTIVE and mute.attempts == 1
    assert mute.retry_at == harness.clock() + RETRY_FIRST_S
    await harness.core.tick()  # not due again yet
    assert harness.mutations().count("SetUserBlocked") == 2
    harness.clock.advance(RETRY_FIRST_S)
    await harness.core.tick()  # fails again: no second warning
    assert len(harness.notices) == 1 and blocked(harness, "bob") == 1
    mute = await harness.store.mutes.get(1)
    assert mute is not None and mute.attempts == 2
    assert mute.retry_at == harness.clock() + 2 * RETRY_FIRST_S
    harness.clock.advance(2 * RETRY_FIRST_S)
    await harness.core.tick()
    assert blocked(harness, "bob") == 0
    assert "Unmuted bob" in harness.notices[-1].reply.headline and len(harness.notices) == 2
    mute = await harness.store.mutes.get(1)
    assert mute is not None and mute.state == MuteState.LIFTED
    records = await harness.store.audit.recent(10, actor="system:timed-mute")
    assert [r.outcome for r in records] == ["undone", "undo_failed", "undo_failed"]
