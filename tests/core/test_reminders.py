"""Pending approvals move: eligible approvers are reminded at half the time to live
(approvals channel and a DM each), the escalation usergroup is mentioned at three
quarters; each once, with two replicas ticking together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.reminders import eligible
from bot.core.reply import ActionKind
from bot.store import OperationState
from tests.core.breakglass import (
    APPROVALS,
    ESCALATE,
    breakglass_harness,
    headlines,
    second_replica,
)
from tests.core.test_pipeline import text
from tests.support.harness import Harness


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[Harness]:
    async with breakglass_harness(database_url) as harness:
        yield harness


@pytest.mark.storage
async def test_a_reminder_and_an_escalation_fire_once_each_with_two_replicas(
    harness: Harness,
) -> None:
    ask = await harness.say("oncall", "dismiss 1234")  # the approval lives 15 minutes
    assert ask.headline.startswith("Approval needed")
    async with second_replica(harness) as other:
        harness.clock.advance(449)
        await asyncio.gather(harness.core.tick(), other.tick())
        assert not headlines(harness, "Reminder")
        harness.clock.advance(2)
        await asyncio.gather(harness.core.tick(), other.tick(), harness.core.tick())
        reminders = headlines(harness, "Reminder: approval #1")
        assert sorted(n.channel for n in reminders) == sorted([APPROVALS, "U0LEAD"])
        assert "Can approve: U0LEAD" in text(reminders[0].reply)  # not the requester
        assert not headlines(harness, "Escalation")
        harness.clock.advance(675 - 451)
        await asyncio.gather(harness.core.tick(), other.tick(), other.tick())
        [escalation] = headlines(harness, "Escalation: approval #1")
        assert escalation.channel == APPROVALS and ESCALATE in text(escalation.reply)
        harness.clock.advance(60)
        await asyncio.gather(harness.core.tick(), other.tick())
    assert len(headlines(harness, "Reminder")) == 2 and len(headlines(harness, "Escalation")) == 1
    records = await harness.store.audit.recent(5, actor="system:reminder")
    assert sorted(r.outcome for r in records) == ["escalated", "reminded"]


async def test_a_decided_request_is_not_reminded(harness: Harness) -> None:
    ask = await harness.say("oncall", "dismiss 1234")
    await harness.press("lead", ask, ActionKind.REJECT)
    harness.clock.advance(700)
    await harness.core.tick()
    assert not headlines(harness, "Reminder") and not headlines(harness, "Escalation")


async def test_reminders_dm_at_most_the_configured_number(harness: Harness) -> None:
    await harness.say("oncall", "dismiss 1234")
    services = harness.core.services
    [op] = await harness.store.operations.in_state(OperationState.PENDING_APPROVAL)
    assert await eligible(services, op) == ["U0LEAD"]
    services.reminder_max_people = 0
    assert await eligible(services, op) == []
