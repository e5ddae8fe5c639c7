"""Acknowledged, then the replica died: another one does the work, once.

The dead replica is played by rows in the database (a heartbeat long past, a
delivery it claimed and never finished); the live one is the real Bolt app.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from prometheus_client import REGISTRY
from sqlalchemy import select, update

from bot.slack.inbox import adopt
from bot.slack.payloads import delivery_key
from bot.store import AuditRecord, OperationState
from bot.store.replicas import DEAD_AFTER_S
from bot.store.tables import SlackDelivery
from tests.slack.conftest import CHANNEL, ONCALL, World, button, message

DEAD = "r-killed"


def _form(body: bytes) -> dict[str, Any]:
    """A form-encoded delivery as Bolt hands it over (block_actions: the parsed payload)."""
    fields = dict(parse_qsl(body.decode()))
    return json.loads(fields["payload"]) if "payload" in fields else fields


async def _die_holding(world: World, body: dict[str, Any]) -> str:
    """A replica claims ``body``, beats once and is never heard from again."""
    long_ago = world.clock() - DEAD_AFTER_S - 5
    await world.store.replicas.beat(DEAD, long_ago)
    key = delivery_key(body)
    assert key is not None
    assert await world.store.deliveries.claim(key, long_ago, body, owner=DEAD)
    return key


async def _audited(world: World, key: str) -> list[AuditRecord]:
    async with world.store.engine.connect() as conn:
        rows = await conn.execute(select(AuditRecord.outcome).where(AuditRecord.delivery == key))
    return list(rows.scalars())


async def _open(world: World, key: str) -> bool:
    async with world.store.engine.connect() as conn:
        done = await conn.scalar(select(SlackDelivery.done).where(SlackDelivery.key == key))
    return done is False


async def test_slash_command_of_a_dead_replica_is_answered_once(world: World) -> None:
    """A `/trtc users` acknowledged by a replica that died is run by a live one, once."""
    before = REGISTRY.get_sample_value("trtc_chatops_takeovers_total", {"kind": "slack_delivery"})
    key = await _die_holding(world, _form(world.slack.slash_body(ONCALL, "users 1234")))
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 1
    await world.bot.adapter.drain()
    fake = world.fake
    answers = [p for p in fake.posts(CHANNEL) if "alice" in " ".join(p.texts())]
    assert len(answers) == 1
    assert await _audited(world, key) == ["ok"]
    assert not await _open(world, key)
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 0
    assert (
        REGISTRY.get_sample_value("trtc_chatops_takeovers_total", {"kind": "slack_delivery"})
        == (before or 0) + 1
    )


async def test_confirm_click_of_a_dead_replica_runs_the_kick_once(world: World) -> None:
    """The Confirm click was acknowledged, then its replica died: the kick still happens,
    once, and the click is on the record once."""
    await world.slack.slash(ONCALL, "kick 1234 alice")
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="confirmation"
    )
    await world.bot.adapter.drain()
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    click = _form(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    key = await _die_holding(world, click)
    assert world.mutations() == []
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 1
    await world.bot.adapter.drain()
    assert world.mutations() == ["RemoveUser"]
    assert await _audited(world, key) == ["succeeded"]
    [op] = await world.store.operations.in_state(*OperationState)
    assert op.state == OperationState.SUCCEEDED


async def test_work_redone_after_a_crash_is_audited_once(world: World) -> None:
    """The dead replica had run the command but not marked it done: the redo does not
    add a second audit record."""
    body = world.slack.slash_body(ONCALL, "whoami")
    await world.slack.send(body, "application/x-www-form-urlencoded")
    await world.fake.wait_for(lambda: len(world.fake.posts(CHANNEL)) >= 1, what="answer")
    await world.bot.adapter.drain()
    key = delivery_key(_form(body))
    assert key is not None and await _audited(world, key) == ["ok"]
    long_ago = world.clock() - DEAD_AFTER_S - 5
    await world.store.replicas.beat(DEAD, long_ago)
    async with world.store.engine.begin() as conn:  # as if it died just before finishing
        await conn.execute(
            update(SlackDelivery)
            .where(SlackDelivery.key == key)
            .values(done=False, owner=DEAD, payload=json.dumps(_form(body)))
        )
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 1
    await world.bot.adapter.drain()
    assert await _audited(world, key) == ["ok"]
    assert not await _open(world, key)


async def test_a_live_replicas_work_is_left_alone(world: World) -> None:
    """Unfinished work of a replica that still beats is not taken over."""
    await world.store.replicas.beat("r-busy", world.clock())
    body = _form(world.slack.slash_body(ONCALL, "users 1234"))
    key = delivery_key(body)
    assert key is not None
    assert await world.store.deliveries.claim(key, world.clock(), body, owner="r-busy")
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 0
    assert await _open(world, key)


async def test_every_delivery_is_finished(world: World) -> None:
    """Commands, clicks and mentions claimed by the live replica end up done."""
    await world.slack.slash(ONCALL, "help")
    event = world.slack.event_body(world.slack.mention_event(ONCALL, "whoami"))
    await world.slack.event(event)
    await world.fake.wait_for(lambda: len(world.fake.posts(CHANNEL)) >= 2, what="answers")
    await world.bot.adapter.drain()
    async with world.store.engine.connect() as conn:
        rows = (await conn.execute(select(SlackDelivery.key, SlackDelivery.done))).all()
    assert {k.split(":")[0] for k, _ in rows} == {"command", "event"}
    assert all(done for _, done in rows)


async def test_a_delivery_stays_open_while_its_work_runs(world: World) -> None:
    """Done means done: until the work ends, the delivery is there to be taken over."""
    world.fake.hold_next("usergroups.users.list", 1.0)
    body = world.slack.slash_body(ONCALL, "whoami")
    key = delivery_key(_form(body))
    assert key is not None
    await world.slack.send(body, "application/x-www-form-urlencoded")
    await world.fake.wait_for(lambda: world.fake.of("usergroups.users.list!held"), what="stall")
    assert await _open(world, key)
    await world.bot.adapter.drain()
    assert not await _open(world, key)


async def test_a_redone_command_goes_on_in_its_parent_and_reuses_its_operation(
    world: World,
) -> None:
    """The dead replica had posted the parent and asked for confirmation: the replica
    that redoes it writes in the same parent, and the Confirm buttons are the same
    operation's — one request, one operation, whichever prompt is clicked."""
    body = world.slack.slash_body(ONCALL, "kick 1234 alice")
    await world.slack.send(body, "application/x-www-form-urlencoded")
    fake = world.fake
    [first] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="prompt"
    )
    await world.bot.adapter.drain()
    key = delivery_key(_form(body))
    assert key is not None
    long_ago = world.clock() - DEAD_AFTER_S - 5
    await world.store.replicas.beat(DEAD, long_ago)
    async with world.store.engine.begin() as conn:  # it died before marking it done
        await conn.execute(
            update(SlackDelivery)
            .where(SlackDelivery.key == key)
            .values(done=False, owner=DEAD, payload=json.dumps(_form(body)))
        )
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 1
    await world.bot.adapter.drain()
    parents = [p for p in fake.posts(CHANNEL) if not p.args.get("thread_ts")]
    prompts = [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")]
    assert len(parents) == 1
    assert {p.args["thread_ts"] for p in prompts} == {fake.messages_ts(parents[0])}
    assert len(prompts) == 2
    assert button(prompts[1].blocks, "Confirm") == button(first.blocks, "Confirm")
    assert len(await world.store.operations.in_state(*OperationState)) == 1
    assert await _audited(world, key) == ["awaiting_confirm"]


async def test_a_click_whose_run_died_with_its_replica_is_answered_with_the_outcome(
    world: World,
) -> None:
    """The dead replica had taken the Confirm click and started the kick: taking the click
    over first resolves the operation against TRTC (the kick did happen), so the redo
    answers with that, and nothing runs again."""
    await world.slack.slash(ONCALL, "kick 1234 alice")
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="prompt"
    )
    await world.bot.adapter.drain()
    [op] = await world.store.operations.in_state(OperationState.AWAITING_CONFIRM)
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    click = _form(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    key = await _die_holding(world, click)
    assert await world.store.operations.transition(  # it won the click and sent the kick
        op.id,
        [OperationState.AWAITING_CONFIRM],
        OperationState.EXECUTING,
        decided_at=world.clock(),
        executor=DEAD,
    )
    await world.core.services.trtc.remove_users(1400000001, 1234, ["alice"])
    assert await adopt(world.bot.adapter, world.store.deliveries, world.clock()) == 1
    await world.bot.adapter.drain()
    done = await world.store.operations.get(op.id)
    assert done is not None and done.state == OperationState.SUCCEEDED
    assert world.mutations() == ["RemoveUser"]  # ours above; not run again
    assert await _audited(world, key) == ["refused"]
    [told] = fake.of("chat.postEphemeral")
    assert f"#{op.id} is already succeeded" in " ".join(told.texts())
