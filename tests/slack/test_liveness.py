"""Liveness is not work: a replica whose work stalls (a slow TRTC, a Slack 429 with
Retry-After) for longer than the heartbeat timeout is still alive, and acts so.

The stall is played on the bot's clock: TRTC requests are held at a loopback hop
(``tests/support/trtc_gate.py``) while the test moves the clock past the timeout.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.app import background
from bot.slack.inbox import adopt
from bot.slack.payloads import delivery_key
from bot.store import AuditRecord, OperationState
from bot.store.replicas import DEAD_AFTER_S
from bot.store.tables import Replica
from tests.slack.conftest import CHANNEL, ONCALL, World, button, message
from tests.slack.test_inbox import _form
from tests.support.fake_slack import Call, text_objects
from tests.support.trtc_gate import serve_gate


async def _prompt(world: World, line: str) -> Call:
    """``line`` asked in Slack; its confirmation prompt."""
    fake = world.fake
    before = len(fake.posts(CHANNEL))
    await world.slack.slash(ONCALL, line)
    [*_, prompt] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL)[before:] if p.args.get("thread_ts")],
        what="prompt",
    )
    await world.bot.adapter.drain()
    return prompt


def _click(world: World, prompt: Call) -> bytes:
    shown = message(world.fake, CHANNEL, world.fake.messages_ts(prompt))
    return world.slack.press_body(ONCALL, shown, button(prompt.blocks, "Confirm"))


async def _beat_at(world: World) -> float:
    instance = world.core.services.instance
    async with world.store.engine.connect() as conn:
        found = await conn.scalar(select(Replica.beat_at).where(Replica.id == instance))
    return float(found or 0.0)


async def _beaten_since(world: World, now: float) -> None:
    """The heartbeat has written ``now`` (within 5 s of real time)."""
    for _ in range(500):
        if await _beat_at(world) >= now:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no heartbeat while the work was stalled")


def _texts(world: World, *, replies_only: bool = False) -> list[str]:
    """Every text the bot shows in the channel now (messages as last edited, ephemerals);
    ``replies_only``: the answers in threads, without the parents that summarise them."""
    messages = [
        m
        for (c, _), m in world.fake.messages.items()
        if c == CHANNEL and (m.get("thread_ts") or not replies_only)
    ]
    shown = [" ".join(t for _, t in text_objects(m)) for m in messages]
    return shown + [" ".join(e.texts()) for e in world.fake.of("chat.postEphemeral")]


async def test_slow_trtc_and_a_slack_429_never_make_a_live_replica_take_over_its_own_work(
    world: World,
) -> None:
    """A timed mute's lift hangs on TRTC, the Confirm of `kick 1234 alice` hangs on TRTC,
    then its answer meets a 429 with Retry-After: on the bot's clock, 30 s pass with
    the work stalled. The heartbeat goes on regardless; the replica adopts none of its
    own deliveries and resolves none of its own operations; the kick is answered once
    (nobody is told the bot restarted) and audited as succeeded with TRTC's RequestId."""
    fake = world.fake
    mute = await _prompt(world, "mute 1234 bob --for 1m")
    await world.slack.press(_click(world, mute))
    await fake.wait_for(lambda: "Muted bob" in " ".join(_texts(world)), what="mute done")
    kick = await _prompt(world, "kick 1234 alice")
    click = _click(world, kick)
    key = delivery_key(_form(click))
    async with serve_gate(world.sim.url) as gate:
        gate.route(world.core.services.trtc)
        gate.hold("SetUserBlocked")
        gate.hold("RemoveUser")
        fake.rate_limit_next("chat.update", retry_after=1)
        async with background(world.core, interval=0.02, beat_every=0.02):
            world.clock.advance(61)  # the mute is due: the tick's lift hangs on TRTC
            await gate.held("SetUserBlocked")
            await world.slack.press(click)
            await gate.held("RemoveUser")
            world.clock.advance(DEAD_AFTER_S * 3)  # 30 s of stalled work
            await _beaten_since(world, world.clock())
            assert await world.core.recover() == 0
            assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 0
            gate.release("RemoveUser")
            gate.release("SetUserBlocked")
            await fake.wait_for(lambda: "Unmuted bob" in " ".join(_texts(world)), what="lift")
            await world.bot.adapter.drain()
    assert fake.of("chat.update!429")  # the answer did wait out a Retry-After
    texts = _texts(world)
    answers = _texts(world, replies_only=True)
    assert sum("Removed alice" in t for t in answers) == 1, answers
    assert not [t for t in texts if "restarted" in t or "already" in t]
    [kicked] = [r for r in world.sim.simulator.requests if r.action == "RemoveUser"]
    async with world.store.engine.connect() as conn:
        found = await conn.execute(select(AuditRecord).where(AuditRecord.delivery == key))
    [record] = found.all()
    assert record.outcome == "succeeded" and record.request_ids == [kicked.request_id]
    ops = await world.store.operations.in_state(*OperationState)
    assert [op.state for op in ops if op.command == "kick"] == [OperationState.SUCCEEDED]
