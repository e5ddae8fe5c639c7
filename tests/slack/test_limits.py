"""Slack's limits: posts paced per channel, 429 Retry-After honoured, usergroups cached."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.slack.blocks import Message
from bot.slack.directory import DirectoryError, SlackDirectory
from bot.slack.outbox import Outbox
from tests.slack.conftest import CHANNEL, LEAD, ONCALL, World


async def test_posts_are_paced_per_channel(world: World) -> None:
    """At 1 post/s per channel, three posts to one channel take ~2 s; another channel waits not."""
    outbox = Outbox(world.bot.outbox.client, posts_per_second=1.0)
    hello = Message("hello", [])
    await asyncio.gather(
        *(outbox.post("C0BUSY", hello) for _ in range(3)), outbox.post("C0QUIET", hello)
    )
    busy = [c.at for c in world.fake.posts("C0BUSY")]
    quiet = [c.at for c in world.fake.posts("C0QUIET")]
    assert len(busy) == 3
    gaps = [b - a for a, b in itertools.pairwise(busy)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert quiet[0] - busy[0] < 0.5


async def test_rate_limited_post_waits_for_retry_after_then_succeeds(world: World) -> None:
    """A 429 with Retry-After: 1 on chat.postMessage is retried after ≥ 1 s, once."""
    fake = world.fake
    fake.rate_limit_next("chat.postMessage", retry_after=1)
    await world.slack.slash(ONCALL, "users 1234")
    await fake.wait_for(lambda: len(fake.posts(CHANNEL)) >= 2, what="both posts", within=15)
    [refused] = fake.of("chat.postMessage!429")
    first_ok = fake.posts(CHANNEL)[0]
    assert first_ok.at - refused.at >= 1.0
    assert "thread_ts" not in first_ok.args  # the same parent post, not a duplicate
    await world.bot.adapter.drain()
    assert len([p for p in fake.posts(CHANNEL) if "thread_ts" not in p.args]) == 1


class _Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_usergroups_are_cached_with_a_ttl_and_fetched_once_at_a_time(world: World) -> None:
    """Concurrent lookups share one usergroups.users.list per group; the TTL triggers a refresh."""
    ticks = _Ticks()
    directory = SlackDirectory(
        world.bot.outbox.client, lambda: ["S0ONCALL", "S0LEADS"], ttl_s=60, clock=ticks
    )
    fake = world.fake
    results = await asyncio.gather(*(directory.groups_of(u) for u in [ONCALL, LEAD] * 10))
    assert results[:2] == [frozenset({"S0ONCALL"}), frozenset({"S0LEADS"})]
    assert len(fake.of("usergroups.users.list")) == 2
    ticks.now = 59
    await directory.groups_of(ONCALL)
    assert len(fake.of("usergroups.users.list")) == 2
    fake.usergroups["S0LEADS"].append(ONCALL)
    ticks.now = 61
    assert await directory.groups_of(ONCALL) == frozenset({"S0ONCALL", "S0LEADS"})
    assert len(fake.of("usergroups.users.list")) == 4


async def test_a_slack_failure_uses_stale_members_or_refuses(world: World) -> None:
    """Slack down: cached members are used if any; with none, nothing runs (fail closed)."""
    ticks = _Ticks()
    client = world.bot.outbox.client
    directory = SlackDirectory(client, lambda: ["S0ONCALL"], ttl_s=60, clock=ticks)
    await directory.groups_of(ONCALL)
    ticks.now = 120
    world.fake.fail_next("usergroups.users.list", "internal_error")
    assert await directory.groups_of(ONCALL) == frozenset({"S0ONCALL"})
    fresh = SlackDirectory(client, lambda: ["S0ONCALL"], ttl_s=60, clock=ticks)
    world.fake.fail_next("usergroups.users.list", "internal_error")
    with pytest.raises(DirectoryError):
        await fresh.groups_of(ONCALL)


async def test_command_is_refused_when_usergroups_cannot_be_read(world: World) -> None:
    """End to end: no usergroup data and no cache → a private refusal, nothing run; the
    audit says why."""
    world.fake.fail_next("usergroups.users.list", "internal_error", times=2)
    await world.slack.slash(ONCALL, "kick 1234 alice")
    [said] = await world.fake.wait_for(lambda: world.fake.responses, what="refusal")
    assert "usergroups could not be read" in said["text"]
    await world.bot.adapter.drain()
    assert world.fake.posts() == []
    [record] = await world.store.audit.recent(5)
    assert (record.outcome, record.note, record.command) == ("not_run", "no usergroups", None)
    assert world.mutations() == []
