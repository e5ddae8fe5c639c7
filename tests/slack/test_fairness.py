"""One person's flood does not hold back another person's work."""

from __future__ import annotations

import asyncio
import dataclasses

from bot.slack.tasks import PER_USER
from tests.slack.conftest import CHANNEL, LEAD, ONCALL, World, button, message

NOBODY = "U0NOBODY"  # in no usergroup: no permissions at all
FLOOD = 40


async def test_a_flood_from_one_user_does_not_hold_back_others(world: World) -> None:
    """40 `help` from one user, then a command from a second and a Confirm from a third:
    with TRTC slowed, both are answered while most of the flood still waits its turn
    (the flood's posts are paced in the same channel, first come first served)."""
    fake = world.fake
    await world.slack.slash(ONCALL, "kick 1234 alice")
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="thread reply"
    )
    await world.bot.adapter.drain()
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    simulator = world.sim.simulator
    simulator.config = dataclasses.replace(simulator.config, latency_ms=100)
    before = len(fake.calls)

    answers = await asyncio.gather(*(world.slack.slash(NOBODY, "help") for _ in range(FLOOD)))
    assert all(status == 200 for status, _ in answers)
    await asyncio.gather(
        world.slack.slash(LEAD, "users 1234"),
        world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm"))),
    )
    await world.bot.adapter.drain()
    assert world.mutations() == ["RemoveUser"]

    calls = fake.calls[before:]
    flood = [i for i, c in enumerate(calls) if c.method == "chat.postMessage" and _flood(c.args)]
    assert len(flood) == 2 * FLOOD  # a "Working…" post and an answer each
    lead = next(
        i
        for i, c in enumerate(calls)
        if c.method == "chat.postMessage" and "users" in c.args["text"]
    )
    confirmed = next(
        i
        for i, c in enumerate(calls)
        if c.method == "chat.update" and "Removed alice" in c.args["text"]
    )
    # Ahead of the second user's first post: only the flood's first turns (was all 40).
    assert sum(i < lead for i in flood) <= 4 * PER_USER
    assert confirmed < flood[-1]


def _flood(args: dict[str, object]) -> bool:
    text = str(args.get("text"))
    return "help" in text or "What you can do" in text
