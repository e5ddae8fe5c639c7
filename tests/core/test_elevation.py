"""Break-glass: `elevate` where the policy allows chatops:Elevate (capped by
chatops:elevation_seconds), confirmation only for what would need approval, never
past a deny, audited with the elevation id, warned of, extended or ended, and ended on
time once across two replicas and a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.reply import ActionKind, Severity
from bot.store import OperationState
from tests.core.breakglass import APPROVALS, breakglass_harness, headlines, second_replica
from tests.core.test_pipeline import text
from tests.support.harness import CHANNEL, Harness

ELEVATE = 'elevate --for 30m --reason "lead asleep, abusive room"'


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[Harness]:
    async with breakglass_harness(database_url) as harness:
        yield harness


async def test_elevation_is_announced_here_and_in_the_approvals_channel(harness: Harness) -> None:
    reply = await harness.say("oncall", ELEVATE)
    assert reply.headline.startswith("Break-glass: ") and "elevation #1" in reply.headline
    assert "Reason: lead asleep, abusive room" in text(reply)
    [copy] = [n for n in harness.notices if n.channel == APPROVALS]
    assert copy.reply.headline == reply.headline and "lead asleep" in text(copy.reply)
    who = text(await harness.say("oncall", "whoami"))
    assert "Elevated: Break-glass elevation #1 until" in who and "lead asleep" in who
    listed = text(await harness.say("lead", "elevations"))
    assert "1 break-glass elevation(s) active" in listed and "#1 | U0ONCALL" in listed


async def test_elevation_needs_the_policy_and_is_capped_by_a_condition(harness: Harness) -> None:
    refused = await harness.say("viewer", ELEVATE)
    assert refused.headline.startswith("Not allowed") and "chatops:Elevate" in refused.headline
    too_long = await harness.say("oncall", 'elevate --for 2h --reason "x"')
    assert too_long.headline.startswith("Not allowed")  # the sample caps it at an hour
    assert not await harness.store.elevations.recent(5)
    why = text(await harness.say("lead", "can U0ONCALL elevate"))
    assert "may run `elevate` in this channel" in why
    assert (
        "Longest elevation allowed here: 1 h" in why or "Longest elevation allowed here: 1h" in why
    )
    assert "may not run `elevate`" in text(await harness.say("lead", "can U0VIEWER elevate"))
    missing = await harness.say("oncall", "elevate --for 30m")
    assert missing.severity is Severity.ERROR and "say why" in missing.headline


async def test_a_dismiss_runs_on_confirmation_alone_audited_with_the_elevation(
    harness: Harness,
) -> None:
    await harness.say("oncall", ELEVATE)
    ask = await harness.say("oncall", "dismiss 1234")
    assert ask.headline.startswith("Confirm: ") and "Break-glass elevation #1" in text(ask)
    assert {a.kind for a in ask.actions} == {ActionKind.CONFIRM, ActionKind.CANCEL}
    done = await harness.press("oncall", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    assert "approved as break-glass:U0ONCALL" in text(done)
    assert harness.mutations() == ["DismissRoom"]
    op = await harness.store.operations.get(ask.operation_id or 0)
    assert op is not None and op.elevation_id == 1 and op.status is OperationState.SUCCEEDED
    records = await harness.store.audit.recent(2, actor="U0ONCALL")
    assert [r.outcome for r in records] == ["succeeded", "awaiting_confirm"]
    assert all(r.elevation_id == 1 for r in records)
    assert records[0].approver == "break-glass:U0ONCALL" and records[0].decision == "allow"


async def test_elevation_never_overrides_an_explicit_deny(harness: Harness) -> None:
    await harness.say("oncall", ELEVATE)
    denied = await harness.say("oncall", "kick 8888 viewer_0001")
    assert denied.headline.startswith("Not allowed") and harness.mutations() == []


async def test_a_confirmation_after_the_elevation_ended_runs_nothing(harness: Harness) -> None:
    await harness.say("oncall", ELEVATE)
    harness.clock.advance(29 * 60)
    ask = await harness.say("oncall", "dismiss 1234")
    harness.clock.advance(61)  # the window is over; the confirmation is not yet expired
    await harness.core.tick()
    refused = await harness.press("oncall", ask, ActionKind.CONFIRM)
    assert "elevation #1 is over" in refused.headline and harness.mutations() == []


async def test_the_warning_extends_within_the_cap_and_ends_now(harness: Harness) -> None:
    await harness.say("oncall", ELEVATE)
    harness.clock.advance(25 * 60 + 1)
    await harness.core.tick()
    [warning] = headlines(harness, "Break-glass elevation #1")
    assert "ends in" in warning.reply.headline
    assert [a.label for a in warning.reply.actions] == ["Extend", "End now"]
    extended = await harness.press("oncall", warning.reply, ActionKind.EXTEND)
    assert "extended to" in extended.headline  # 30 min more: an hour in all, the cap
    harness.clock.advance(30 * 60)
    await harness.core.tick()
    second = headlines(harness, "Break-glass elevation #1")[-1]
    assert second is not warning and "ends in" in second.reply.headline
    refused = await harness.press("oncall", second.reply, ActionKind.EXTEND)
    assert refused.headline.startswith("Not extended") and refused.private
    other = await harness.press("lead", second.reply, ActionKind.END)
    assert other.private and "Only" in other.headline
    ended = await harness.press("oncall", second.reply, ActionKind.END)
    assert "is over: ended by" in text(ended)
    assert "Elevated" not in text(await harness.say("oncall", "whoami"))
    again = await harness.say("oncall", "dismiss 1234")
    assert again.headline.startswith("Approval needed")


@pytest.mark.storage
async def test_the_end_comes_on_time_once_across_two_replicas_and_a_restart(
    harness: Harness,
) -> None:
    await harness.say("oncall", ELEVATE)
    await harness.restart()  # a new process: the window is in the database, not in memory
    async with second_replica(harness) as other:
        harness.clock.advance(25 * 60 + 1)
        await asyncio.gather(harness.core.tick(), other.tick(), harness.core.tick())
        assert len(headlines(harness, "Break-glass elevation #1 of")) == 1  # the warning
        harness.clock.advance(5 * 60)
        await asyncio.gather(harness.core.tick(), other.tick(), other.tick())
        over = [n for n in harness.notices if "is over: its time is up" in n.reply.headline]
        assert sorted(n.channel for n in over) == sorted([CHANNEL, APPROVALS])
        await asyncio.gather(harness.core.tick(), other.tick())
        assert len([n for n in harness.notices if "is over" in n.reply.headline]) == 2
    ended = await harness.store.audit.recent(1, actor="system:elevation")
    assert [(r.outcome, r.elevation_id) for r in ended] == [("ended", 1)]
    after = await harness.say("oncall", "dismiss 1234")
    assert after.headline.startswith("Approval needed")
