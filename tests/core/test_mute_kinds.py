"""Audio-only and video-only mutes: IsMute 2 and 3, one mute state per user whatever its
kind, and every way of ending one (unmute, Undo, the timer) sends IsMute 0."""

from __future__ import annotations

from bot.core.reply import ActionKind, Reply, Severity
from bot.store import MuteState, OperationState
from tests.core.test_mute_state import blocked
from tests.core.test_pipeline import text
from tests.support.harness import Harness

APP = 1400000001


async def _mute(harness: Harness, line: str) -> tuple[Reply, Reply]:
    ask = await harness.say("oncall", line)
    done = await harness.press("oncall", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    return ask, done


async def test_audio_only_mute_sends_is_mute_2_and_undo_sends_0(harness: Harness) -> None:
    """`mute --audio` asks to block the audio only, sends IsMute=2, stores the kind; Undo
    restores with IsMute=0."""
    ask, done = await _mute(harness, "mute 1234 bob --audio")
    assert ask.headline.startswith("Confirm: mute bob's audio in room")
    assert "block bob's audio." in text(ask)
    assert done.headline.startswith("Muted bob's audio in room")
    assert blocked(harness, "bob") == 2
    [mute] = await harness.store.mutes.in_force(APP, "1234", "bob")
    assert mute.mode == 2
    undone = await harness.press("oncall", done, ActionKind.UNDO)
    assert undone.severity is Severity.SUCCESS
    assert blocked(harness, "bob") == 0
    assert [c.detail for c in harness.sim.simulator.world.log if c.user_id == "bob"] == [
        "IsMute=2",
        "IsMute=0",
    ]


async def test_video_only_mute_sends_is_mute_3_and_its_timer_sends_0(harness: Harness) -> None:
    """`mute --video --for 1m` sends IsMute=3; a minute later the tick lifts it (IsMute=0)."""
    _, done = await _mute(harness, "mute 1234 carol --video --for 1m")
    assert done.headline.startswith("Muted carol's video in room")
    assert blocked(harness, "carol") == 3
    harness.clock.advance(61)
    await harness.core.tick()
    assert blocked(harness, "carol") == 0
    assert await harness.store.mutes.in_force(APP, "1234", "carol") == []


async def test_a_video_mute_replaces_an_audio_mute_openly(harness: Harness) -> None:
    """An audio mute, then a video mute: the confirmation names the audio mute in force, says
    it is replaced and that the audio is allowed again; confirmed, the simulator holds
    IsMute=3, the audio mute is REPLACED and its message loses its Undo."""
    _, first = await _mute(harness, "mute 1234 dave --audio --for 1h")
    ask, second = await _mute(harness, "mute 1234 dave --video")
    shown = text(ask)
    assert ask.headline.startswith("Confirm: replace dave's mute in room")
    assert "dave's audio is already muted until" in shown
    assert "confirming replaces it with a video mute until" in shown
    assert "dave's audio is allowed again" in shown
    assert blocked(harness, "dave") == 3
    [in_force] = await harness.store.mutes.in_force(APP, "1234", "dave")
    assert (in_force.mode, in_force.operation_id) == (3, second.operation_id)
    old = await harness.store.operations.get(first.operation_id or 0)
    assert old is not None and old.state == OperationState.UNDONE
    replaced = [n for n in harness.notices if n.reply.operation_id == first.operation_id]
    assert replaced and not replaced[-1].reply.actions
    harness.clock.advance(3601)
    await harness.core.tick()  # the replaced audio mute's timer does not fire
    assert blocked(harness, "dave") == 3
    await harness.say("oncall", "unmute 1234 dave")
    assert blocked(harness, "dave") == 0
    rows = [await harness.store.mutes.get(i) for i in (1, 2)]  # a fresh database: ids 1, 2
    assert [(m.mode, m.state) for m in rows if m is not None] == [
        (2, MuteState.REPLACED.value),
        (3, MuteState.UNDONE.value),
    ]


async def test_audio_and_video_together_is_bad_input(harness: Harness) -> None:
    """--audio with --video is refused by the grammar, before any TRTC call."""
    reply = await harness.say("oncall", "mute 1234 bob --audio --video")
    assert reply.severity is Severity.ERROR
    assert "--audio and --video exclude each other" in text(reply)
    assert harness.mutations() == []
