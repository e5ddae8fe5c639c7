"""Usergroups from Slack: what the cache may answer when Slack cannot, and for how long."""

from __future__ import annotations

import pytest

from bot.slack.directory import DirectoryError, SlackDirectory
from tests.slack.conftest import ONCALL, World
from tests.support.clock import Still


async def test_stale_members_have_an_age_limit_while_slack_errors(world: World) -> None:
    """Slack failing: the cached members serve for a while, then nothing does (fail closed),
    so someone removed from a group does not keep its rights through a long outage."""
    clock = Still()
    directory = SlackDirectory(
        world.bot.outbox.client, lambda: ["S0ONCALL"], ttl_s=60, stale_limit_s=600, clock=clock
    )
    assert await directory.groups_of(ONCALL) == frozenset({"S0ONCALL"})
    clock.advance(300)
    world.fake.fail_next("usergroups.users.list", "internal_error")
    assert await directory.groups_of(ONCALL) == frozenset({"S0ONCALL"})
    clock.advance(300)
    world.fake.fail_next("usergroups.users.list", "internal_error")
    with pytest.raises(DirectoryError):
        await directory.groups_of(ONCALL)


async def test_an_ok_answer_without_members_is_not_cached_as_nobody(world: World) -> None:
    """``ok: true`` with no ``users`` is a failure: no cache, so an error; a later proper
    answer is used (nothing was stored as "no members")."""
    clock = Still()
    directory = SlackDirectory(world.bot.outbox.client, lambda: ["S0ONCALL"], ttl_s=60, clock=clock)
    members = world.fake.usergroups["S0ONCALL"]
    world.fake.usergroups["S0ONCALL"] = None
    with pytest.raises(DirectoryError):
        await directory.groups_of(ONCALL)
    world.fake.usergroups["S0ONCALL"] = members
    assert await directory.groups_of(ONCALL) == frozenset({"S0ONCALL"})
    clock.advance(61)
    world.fake.usergroups["S0ONCALL"] = None
    assert await directory.groups_of(ONCALL) == frozenset({"S0ONCALL"})  # stale, not empty
