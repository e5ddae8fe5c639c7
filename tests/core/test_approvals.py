"""Approval derived from policy: a second person, exactly once, surviving a restart."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.context import StaticDirectory
from bot.core.reply import ActionKind, Severity
from bot.store import OperationState
from tests.core.test_pipeline import text
from tests.support.harness import Harness

PRIVATE = "G0PRIVATE"  # a private channel the on-call engineer is not in


@pytest.mark.storage
async def test_dismiss_needs_approval_and_runs_once(harness: Harness) -> None:
    """Two concurrent approvals execute the dismiss once; the reply names the approver."""
    request = await harness.say("oncall", 'dismiss standup --reason "abuse"')
    assert "Approval needed" in request.headline and request.notify_approvers
    assert ("Reason", "abuse") in request.fields
    assert harness.mutations() == []
    first, second = await asyncio.gather(
        harness.press("lead", request, ActionKind.APPROVE),
        harness.press("lead", request, ActionKind.APPROVE),
    )
    winners = [r for r in (first, second) if r.severity is Severity.SUCCESS]
    assert len(winners) == 1
    assert "approved by U0LEAD" in text(winners[0])
    assert winners[0].request_ids
    loser = first if winners[0] is second else second
    assert loser.private
    assert harness.mutations() == ["DismissRoomByStrRoomId"]
    op = await harness.store.operations.get(request.operation_id or 0)
    assert op is not None and op.state == OperationState.SUCCEEDED and op.decided_by == "U0LEAD"
    records = await harness.store.audit.recent(2)
    [done] = [r for r in records if r.outcome == "succeeded"]
    assert done.approver == "U0LEAD" and done.request_ids == list(op.request_ids)
    [refused] = [r for r in records if r.outcome == "refused"]  # the second click, on record
    assert refused.actor == "U0LEAD" and refused.note == loser.headline


async def test_self_approval_refused(harness: Harness) -> None:
    """The requester's own Approve is refused, even for a lead."""
    request = await harness.say("lead", "dismiss 1234")
    mine = await harness.press("lead", request, ActionKind.APPROVE)
    assert mine.private and "your own request" in mine.headline
    assert harness.mutations() == []


async def test_approver_needs_chatops_approve(harness: Harness) -> None:
    """Someone without chatops:Approve cannot approve or reject."""
    request = await harness.say("oncall", "dismiss 1234")
    for kind in (ActionKind.APPROVE, ActionKind.REJECT):
        refused = await harness.press("viewer", request, kind)
        assert refused.private and "may not approve" in refused.headline
    assert harness.mutations() == []
    op = await harness.store.operations.get(request.operation_id or 0)
    assert op is not None and op.state == OperationState.PENDING_APPROVAL


async def test_reject_and_cancel(harness: Harness) -> None:
    """A rejection closes the request; the requester may cancel theirs."""
    rejected = await harness.say("oncall", "dismiss 1234")
    closed = await harness.press("lead", rejected, ActionKind.REJECT)
    assert "rejected by U0LEAD" in text(closed)
    again = await harness.press("lead", rejected, ActionKind.APPROVE)
    assert again.private and "already rejected" in again.headline
    cancelled = await harness.say("oncall", "dismiss standup")
    assert "cancelled" in (await harness.press("oncall", cancelled, ActionKind.CANCEL)).headline
    assert harness.mutations() == []


async def test_expired_request_refused(harness: Harness) -> None:
    """After 15 minutes an approval is refused, and the tick announces the expiry."""
    request = await harness.say("oncall", "dismiss 1234")
    harness.clock.advance(15 * 60 + 1)
    await harness.core.tick()
    assert [n.reply.operation_id for n in harness.notices] == [request.operation_id]
    assert "expired" in harness.notices[0].reply.headline
    late = await harness.press("lead", request, ActionKind.APPROVE)
    assert late.private and "expired" in late.headline
    assert harness.mutations() == []


@pytest.mark.storage
async def test_approval_survives_restart(harness: Harness) -> None:
    """A new core on the same database executes an approval requested before the restart."""
    request = await harness.say("oncall", "dismiss 1234")
    await harness.restart()
    done = await harness.press("lead", request, ActionKind.APPROVE)
    assert done.severity is Severity.SUCCESS
    assert harness.mutations() == ["DismissRoom"]
    assert harness.sim.simulator.world.room(1400000001, 1234) is None  # no longer live


async def test_approvals_command_lists_what_you_can_decide(harness: Harness) -> None:
    """`approvals` shows pending requests and whether the caller can approve them."""
    await harness.say("oncall", "dismiss 1234")
    for_lead = text(await harness.say("lead", "approvals"))
    assert "dismiss room 1400000001/1234" in for_lead and "| yes" in for_lead
    assert "| yours" in text(await harness.say("oncall", "approvals"))


async def test_approvals_needs_a_permission_and_lists_only_what_concerns_you(
    harness: Harness,
) -> None:
    """`approvals` needs chatops:ListApprovals (the viewer has none). It lists one's own
    requests, those one may decide, and those asked in the channel one asks in; a request
    from another (say, private) channel that one may not decide is not shown there."""
    denied = await harness.say("viewer", "approvals")
    assert denied.headline.startswith("Not allowed") and "chatops:ListApprovals" in denied.headline
    await harness.say("lead", "dismiss standup", channel=PRIVATE)
    elsewhere = await harness.say("oncall", "approvals")
    assert "standup" not in text(elsewhere) and elsewhere.headline.startswith("No approvals")
    there = text(await harness.say("oncall", "approvals", channel=PRIVATE))
    assert "dismiss room 1400000001/standup" in there and "| no" in there
    assert "| yours" in text(await harness.say("lead", "approvals"))
    await harness.say("oncall", "dismiss 1234")
    for_lead = text(await harness.say("lead", "approvals", channel="C0ELSEWHERE"))
    assert "1234" in for_lead and "| yes" in for_lead  # the lead may decide it anywhere


async def test_expiry_is_on_the_record_once_as_the_system(harness: Harness) -> None:
    """An approval and a confirmation nobody acted on each leave one audit record by
    system:expiry, whether the tick or a late press found them expired."""
    approval = await harness.say("oncall", "dismiss 1234")
    confirm = await harness.say("oncall", "kick 1234 alice")
    pressed_late = await harness.say("oncall", "kick 1234 bob")
    harness.clock.advance(15 * 60 + 1)
    late = await harness.press("oncall", pressed_late, ActionKind.CONFIRM)
    assert late.private is False and "expired" in late.headline
    await harness.core.tick()
    await harness.core.tick()
    records = await harness.store.audit.recent(50, actor="system:expiry")
    expired = sorted((r.operation_id, r.outcome, r.origin) for r in records)
    ids = sorted(r.operation_id or 0 for r in (approval, confirm, pressed_late))
    assert expired == [(i, "expired", "system") for i in ids]
    mine = await harness.store.audit.recent(50, actor="U0ONCALL")
    [refusal] = [r for r in mine if r.outcome == "refused"]  # the late press, on record
    assert refusal.operation_id == pressed_late.operation_id
    assert harness.mutations() == []


def _directory(harness: Harness) -> StaticDirectory:
    directory = harness.core.services.directory
    assert isinstance(directory, StaticDirectory)
    return directory


async def test_a_requester_moved_out_of_his_group_has_his_approved_dismiss_refused(
    harness: Harness,
) -> None:
    """Usergroups are read again at execution: the on-call engineer left S0ONCALL after
    asking, so the lead's approval runs nothing; the operation's messages say why."""
    request = await harness.say("oncall", "dismiss 1234")
    _directory(harness).groups["U0ONCALL"] = frozenset()
    refused = await harness.press("lead", request, ActionKind.APPROVE)
    assert text(refused).startswith(f"#{request.operation_id} was not run: U0ONCALL may no")
    assert refused.operation_id == request.operation_id and not refused.private
    assert harness.mutations() == []
    op = await harness.store.operations.get(request.operation_id or 0)
    assert op is not None and op.state == OperationState.FAILED
    [record] = [r for r in await harness.store.audit.recent(5) if r.outcome == "denied"]
    assert (record.actor, record.approver, record.reason) == ("U0LEAD", "U0LEAD", "implicit_deny")


async def test_an_approver_who_lost_the_right_runs_nothing(harness: Harness) -> None:
    """The lead's usergroups at execution are his current ones, not those of his press."""
    request = await harness.say("oncall", "dismiss 1234")
    _directory(harness).groups["U0LEAD"] = frozenset()
    refused = await harness.press("lead", request, ActionKind.APPROVE)
    assert "U0LEAD may no longer approve it" in refused.headline
    assert harness.mutations() == []


async def test_a_confirmation_runs_with_the_requesters_current_groups(harness: Harness) -> None:
    """Confirming a kick after leaving the on-call group runs nothing."""
    request = await harness.say("oncall", "kick 1234 alice")
    _directory(harness).groups["U0ONCALL"] = frozenset()
    refused = await harness.press("oncall", request, ActionKind.CONFIRM)
    assert "was not run: U0ONCALL may no longer" in text(refused)
    assert harness.mutations() == []


class _Unreachable:
    async def groups_of(self, user_id: str) -> frozenset[str]:
        raise RuntimeError("Slack is down")


async def test_nothing_runs_when_usergroups_cannot_be_read_at_execution(
    harness: Harness,
) -> None:
    """Fail closed: no current usergroups, no run."""
    request = await harness.say("oncall", "dismiss 1234")
    harness.core.services.directory = _Unreachable()
    refused = await harness.press("lead", request, ActionKind.APPROVE)
    assert "the usergroups of U0ONCALL could not be read" in refused.headline
    assert harness.mutations() == []
