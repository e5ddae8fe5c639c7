"""A user has one mute state: a new mute replaces the old one openly, a shorter timer
never lifts a longer mute, and an Undo acts only on the mute it belongs to."""

from __future__ import annotations

from typing import Any

from bot.core.markup import person
from bot.core.reply import ActionKind, Reply, Severity
from bot.store import OperationState
from tests.core.test_pipeline import text
from tests.support.harness import Harness


def blocked(harness: Harness, user: str) -> int:
    state = harness.sim.simulator.world.user_state(1400000001, 1234, user)
    assert state is not None
    return int(state.is_mute)


async def _mute(harness: Harness, line: str, persona: str = "oncall") -> tuple[Reply, Reply]:
    ask = await harness.say(persona, line)
    done = await harness.press(persona, ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    return ask, done


def _edits_of(harness: Harness, op_id: int | None) -> list[Any]:
    return [n for n in harness.notices if n.reply.operation_id == op_id]


async def test_muting_someone_muted_says_so_and_replacing_is_explicit(harness: Harness) -> None:
    """The confirmation names the mute in force and says confirming replaces it."""
    await _mute(harness, "mute 1234 dave --for 1h", persona="lead")
    ask = await harness.say("oncall", "mute 1234 dave --for 10s")
    assert "dave is already muted until" in text(ask) and "by U0LEAD" in text(ask)
    assert f"by {person('U0LEAD')} (#" in "\n".join(ask.lines)  # named, never a raw id
    assert "confirming replaces it with a 10s mute" in text(ask)
    assert ask.headline.startswith("Confirm: replace dave's mute in room")


async def test_a_shorter_mute_never_lifts_a_longer_one(harness: Harness) -> None:
    """10 s replacing an hour: the hour's timer is gone, the old message loses its Undo,
    and once the 10 s are up dave is unmuted once — by the mute in force."""
    _, first = await _mute(harness, "mute 1234 dave --for 1h")
    _, second = await _mute(harness, "mute 1234 dave --for 10s")
    old = await harness.store.operations.get(first.operation_id or 0)
    assert old is not None and old.state == OperationState.UNDONE
    assert old.outcome == f"no longer in force: replaced by #{second.operation_id}"
    [edit] = _edits_of(harness, first.operation_id)
    assert "no longer in force" in edit.reply.headline and not edit.reply.actions
    mutes = await harness.store.mutes.in_force(1400000001, "1234", "dave")
    assert [m.operation_id for m in mutes] == [second.operation_id]
    harness.clock.advance(11)
    await harness.core.tick()
    assert blocked(harness, "dave") == 0
    harness.clock.advance(3600)
    await harness.core.tick()  # the replaced hour's timer does not fire
    assert harness.mutations().count("SetUserBlocked") == 3


async def test_the_old_mutes_undo_changes_nothing(harness: Harness) -> None:
    """Undo on the replaced mute: "no longer in force", dave stays muted, no TRTC call."""
    _, first = await _mute(harness, "mute 1234 dave")
    await _mute(harness, "mute 1234 dave --for 1h")
    calls = len(harness.mutations())
    refused = await harness.press("oncall", first, ActionKind.UNDO)
    assert refused.private and "no longer in force" in refused.headline
    assert blocked(harness, "dave") == 1 and len(harness.mutations()) == calls
    [record] = await harness.store.audit.recent(1)
    assert record.outcome == "refused"


async def test_unmute_ends_the_mute_in_force_and_edits_its_message(harness: Harness) -> None:
    """`unmute` closes the timed mute, and the mute's message loses its Undo."""
    _, muted = await _mute(harness, "mute 1234 carol --for 1h")
    await harness.say("oncall", "unmute 1234 carol")
    [edit] = _edits_of(harness, muted.operation_id)
    assert "unmuted by U0ONCALL" in text(edit.reply) and not edit.reply.actions
    assert await harness.store.mutes.in_force(1400000001, "1234", "carol") == []
    refused = await harness.press("oncall", muted, ActionKind.UNDO)
    assert refused.private and "no longer in force" in refused.headline
    assert blocked(harness, "carol") == 0
    harness.clock.advance(3600)
    await harness.core.tick()  # nothing left to lift
    assert harness.mutations().count("SetUserBlocked") == 2
