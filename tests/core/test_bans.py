"""Bans through the core: confirmed, approved or refused by policy; `*`; unban; expiry.

Rejoins and their re-removal (callbacks, two replicas) are in tests/callbacks/test_bans.py.
"""

from __future__ import annotations

import pytest

from bot.authz.document import parse_document
from bot.core.markup import plain
from bot.core.reply import ActionKind, Reply, Severity
from bot.store import OperationState
from commands.ban import CALLBACKS_OFF
from tests.core.test_pipeline import text
from tests.support.harness import Harness

APP = 1400000001


async def _ban(harness: Harness, line: str, persona: str = "lead") -> Reply:
    reply = await harness.say(persona, line)
    assert reply.severity is Severity.WARNING and reply.headline.startswith("Confirm: ban")
    done = await harness.press(persona, reply, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, text(done)
    return done


@pytest.mark.storage
async def test_a_ban_is_confirmed_then_removes_and_is_recorded(harness: Harness) -> None:
    """ban asks first (nothing changes), then removes the user now and records the ban
    with who, why, until, the thread it was made in and its operation; Undo is offered."""
    ask = await harness.say("lead", 'ban 1234 alice --for 1h --reason "spamming"')
    assert "removed again within a second of any rejoin" in text(ask)
    assert harness.mutations() == [] and "alice" in harness.present(1234)
    done = await harness.press("lead", ask, ActionKind.CONFIRM)
    assert done.headline.startswith(f"Banned alice from room {APP}/1234 until")
    assert any(a.kind is ActionKind.UNDO for a in done.actions)
    assert harness.mutations() == ["RemoveUser"] and "alice" not in harness.present(1234)
    [ban] = await harness.store.bans.listing(harness.clock())
    assert (ban.sdkappid, ban.room, ban.numeric, ban.user_id) == (APP, "1234", True, "alice")
    assert ban.until == pytest.approx(harness.clock() + 3600)
    assert (ban.created_by, ban.reason, ban.operation_id) == (
        "U0LEAD",
        "spamming",
        done.operation_id,
    )
    assert (ban.channel, ban.thread) == ("C0INCIDENT", "1700000000.000100")
    listed = await harness.say("oncall", "bans 1234")
    assert listed.headline == "1 ban keeping people out of room 1400000001/1234"
    [row] = listed.tables[0].rows
    assert (row[0], row[1], plain(row[3]), row[4], row[5]) == (
        "alice",
        f"{APP}/1234",
        "U0LEAD",
        "0",
        "spamming",
    )


async def test_on_call_needs_a_leads_approval_to_ban(harness: Harness) -> None:
    """The sample policy: on-call may ban only with approval; a lead approves, it runs once
    as the requester's ban."""
    request = await harness.say("oncall", "ban 1234 bob")
    assert request.headline.startswith("Approval needed") and request.notify_approvers
    assert harness.mutations() == []
    done = await harness.press("lead", request, ActionKind.APPROVE)
    assert done.severity is Severity.SUCCESS and "approved by" in text(done)
    assert harness.mutations() == ["RemoveUser"] and "bob" not in harness.present(1234)
    [ban] = await harness.store.bans.listing(harness.clock())
    assert ban.created_by == "U0ONCALL" and ban.until is None


async def test_a_ban_refused_by_policy_changes_nothing(harness: Harness) -> None:
    """A read-only viewer, and a lead in the read-only status channel, are denied: no
    confirmation, no removal, no ban; the denial is on the record."""
    viewer = await harness.say("viewer", "ban 1234 alice")
    assert viewer.severity is Severity.ERROR and "chatops:Ban" in text(viewer)
    status = await harness.say("lead", "ban 1234 alice", channel="C0STATUS")
    assert status.severity is Severity.ERROR
    assert harness.mutations() == [] and await harness.store.bans.listing(harness.clock()) == []
    denied = await harness.store.audit.recent(2)
    assert [r.outcome for r in denied] == ["denied", "denied"]
    assert {r.action for r in denied} == {"chatops:Ban"}


async def test_ban_everywhere_says_so_and_removes_where_they_are(harness: Harness) -> None:
    """`ban *`: the confirmation names every room of the application; confirmed, the user
    is removed from the live room they are in and banned from all of them."""
    ask = await harness.say("lead", "ban * alice")
    assert (
        plain(ask.headline)
        == f"Confirm: ban alice from every room of application {APP} until unban?"
    )
    assert "every live room they are in now" in text(ask)
    done = await harness.press("lead", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, text(done)
    assert f"Removed alice from room {APP}/1234." in done.lines
    assert "alice" not in harness.present(1234)
    [ban] = await harness.store.bans.listing(harness.clock())
    assert ban.everywhere and ban.sdkappid == APP
    covering = await harness.store.bans.covering(APP, "standup", False, "alice", harness.clock())
    assert [b.id for b in covering] == [ban.id]
    # Unbanning one room does not lift a ban of every room; `unban *` does.
    one = await harness.say("lead", "unban 1234 alice")
    assert one.severity is Severity.WARNING and "unban * alice" in text(one)
    every = await harness.say("lead", "unban * alice")
    assert every.headline == "Unbanned alice from every room"
    assert await harness.store.bans.listing(harness.clock()) == []


async def test_unban_lifts_the_ban_and_ends_its_operation(harness: Harness) -> None:
    """unban ends the ban now; the ban's operation is over (its Undo no longer live) and a
    second unban changes nothing."""
    done = await _ban(harness, "ban 1234 carol --for 1h")
    lifted = await harness.say("lead", "unban 1234 carol")
    assert (
        lifted.severity is Severity.SUCCESS
        and lifted.headline == "Unbanned carol from room 1400000001/1234"
    )
    assert await harness.store.bans.listing(harness.clock()) == []
    op = await harness.store.operations.get(done.operation_id or 0)
    assert op is not None and op.status is OperationState.UNDONE
    assert [n.reply.operation_id for n in harness.notices] == [done.operation_id]
    again = await harness.say("lead", "unban 1234 carol")
    assert again.severity is Severity.WARNING and "nothing changed" in again.headline
    assert harness.mutations() == ["RemoveUser"]  # unbanning asks nothing of TRTC


async def test_undo_lifts_the_ban(harness: Harness) -> None:
    done = await _ban(harness, "ban 1234 dave")
    undone = await harness.press("lead", done, ActionKind.UNDO)
    assert undone.headline == "Unbanned dave from room 1400000001/1234", text(undone)
    assert await harness.store.bans.listing(harness.clock()) == []


async def test_a_timed_ban_ends_by_itself_once_and_is_announced(harness: Harness) -> None:
    """--for 1h: an hour later the tick ends the ban as system:ban, on the ban's own
    messages (in its thread), once however often it ticks."""
    done = await _ban(harness, "ban 1234 frank --for 1h")
    harness.clock.advance(3599)
    await harness.core.tick()
    assert len(await harness.store.bans.listing(harness.clock())) == 1
    harness.clock.advance(2)
    await harness.core.tick()
    await harness.core.tick()
    assert await harness.store.bans.listing(harness.clock()) == []
    [notice] = harness.notices
    assert notice.reply.operation_id == done.operation_id
    assert notice.reply.headline == "Ban over: frank may rejoin room 1400000001/1234"
    assert "The 1h ban by" in text(notice.reply) and "is over" in text(notice.reply)
    [ended] = await harness.store.audit.recent(5, actor="system:ban")
    assert ended.outcome == "undone" and ended.operation_id == done.operation_id
    op = await harness.store.operations.get(done.operation_id or 0)
    assert op is not None and op.status is OperationState.UNDONE


async def test_without_callbacks_a_ban_says_rejoins_go_unseen_and_still_kicks(
    harness: Harness,
) -> None:
    """No TRTC callback key: the confirmation and the result say that rejoins need TRTC
    event callbacks and how to enable them; the user is removed now all the same."""
    harness.core.services.rejoins_seen = False
    ask = await harness.say("lead", "ban 1234 bob")
    assert CALLBACKS_OFF in ask.lines and "TRTC_CALLBACK_KEY" in CALLBACKS_OFF
    done = await harness.press("lead", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.WARNING and CALLBACKS_OFF in done.lines
    assert "bob" not in harness.present(1234)
    assert len(await harness.store.bans.listing(harness.clock())) == 1


async def test_star_is_for_bans_only(harness: Harness) -> None:
    reply = await harness.say("lead", "kick * alice")
    assert reply.severity is Severity.ERROR and "for `ban` and `unban` only" in text(reply)


def test_policy_check_knows_the_ban_actions() -> None:
    """chatops:Ban and chatops:Unban are actions of the bot; a misspelt one is warned of."""
    good = {
        "version": "2.0",
        "statement": [
            {"effect": "allow", "action": ["chatops:Ban", "chatops:Unban"], "resource": "*"}
        ],
    }
    assert parse_document("p", good, account_uin="1").warnings == ()
    typo = {
        "version": "2.0",
        "statement": [{"effect": "allow", "action": "chatops:Bann", "resource": "*"}],
    }
    [warning] = parse_document("p", typo, account_uin="1").warnings
    assert "'chatops:bann' matches no known chatops: action" in warning
    assert "did you mean chatops:Ban?" in warning
