"""Only requests signed by Slack, recently, reach the bot; /healthz answers."""

from __future__ import annotations

import time

import pytest

from tests.slack.conftest import ONCALL, World, sign


@pytest.mark.parametrize(
    ("case", "signature", "age_s"),
    [
        ("bad signature", "v0=" + "0" * 64, 0),
        ("signed with another secret", "other", 0),
        ("missing signature", None, 0),
        ("timestamp over 5 minutes old", "sign", 301),
    ],
)
async def test_unsigned_or_stale_requests_get_401_and_change_nothing(
    world: World, case: str, signature: str | None, age_s: int
) -> None:
    """A bad, foreign or missing signature, or a stale timestamp: 401, nothing posted or run."""
    body = world.slack.slash_body(ONCALL, "kick 1234 alice")
    timestamp = str(int(time.time()) - age_s)
    if signature == "other":
        signature = sign(body, timestamp, secret="not-the-signing-secret")
    status, _ = await world.slack.send(
        body, "application/x-www-form-urlencoded", timestamp=timestamp, signature=signature
    )
    assert status == 401, case
    event = world.slack.event_body(world.slack.mention_event(ONCALL, "kick 1234 alice"))
    status, _ = await world.slack.send(
        event, "application/json", timestamp=timestamp, signature=signature
    )
    assert status == 401, case
    await world.bot.adapter.drain()
    posted = [c.method for c in world.fake.calls if c.method != "auth.test"]
    assert posted == []
    assert world.fake.responses == []
    assert world.sim.simulator.requests == []
    assert await world.store.audit.count() == 0


async def test_a_body_altered_after_signing_is_refused(world: World) -> None:
    """The signature covers the raw body: changing one character after signing gives 401."""
    body = world.slack.slash_body(ONCALL, "users 1234")
    timestamp = str(int(time.time()))
    signature = sign(body, timestamp)
    tampered = body.replace(b"users", b"kick+")
    status, _ = await world.slack.send(
        tampered, "application/x-www-form-urlencoded", timestamp=timestamp, signature=signature
    )
    assert status == 401
    assert world.sim.simulator.requests == []


async def test_healthz_answers_without_a_signature(world: World) -> None:
    """GET /healthz is 200 for load balancers; it needs no Slack signature."""
    async with world.slack.session.get(world.slack.url + "/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True}
