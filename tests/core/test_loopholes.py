"""No way around the two-person rule: an approval for a room that is not live is
refused when asked, and a kick of everyone in a room is authorized as a dismiss."""

from __future__ import annotations

from bot.core.approvals import waiting
from bot.core.authorizer import Person
from bot.core.spec import AUTHORIZE_AS, Args
from bot.core.values import parse_room
from bot.store.roster import Move, MoveKind
from tests.core.test_pipeline import text
from tests.support.harness import Harness

EVERYONE_IN_1234 = "alice bob carol dave frank"


async def test_an_approval_for_a_room_that_is_not_live_is_refused_now(harness: Harness) -> None:
    reply = await harness.say("oncall", "dismiss 4321")
    assert "is not live" in reply.headline and not reply.actions
    assert await waiting(harness.core.services) == []
    [record] = await harness.store.audit.recent(1, actor="U0ONCALL")
    assert record.outcome == "refused" and record.decision == "needs_approval"


async def test_a_room_the_roster_saw_created_seconds_ago_may_be_approved(
    harness: Harness,
) -> None:
    """TRTC history does not show room "fresh" yet (nor ever, here: only its room events
    were seen); the live roster does, so the approval is asked, not refused."""
    now_ms = int(harness.clock() * 1000)
    await harness.store.roster.apply(
        [
            Move(MoveKind.CREATE, 1400000001, "fresh", False, now_ms - 2000),
            Move(MoveKind.ENTER, 1400000001, "fresh", False, now_ms - 1000, user_id="alice"),
        ],
        now=harness.clock(),
    )
    reply = await harness.say("oncall", "dismiss fresh")
    assert reply.headline.startswith("Approval needed"), reply.headline
    assert [op.id for op in await waiting(harness.core.services)] == [reply.operation_id]
    assert not any(r.action == "DescribeRoomInfo" for r in harness.sim.simulator.requests)


async def test_a_room_the_roster_saw_dismissed_is_refused_though_history_lags(
    harness: Harness,
) -> None:
    """Room 1234 is live in TRTC history, but the roster saw its dismissal after its
    creation: nothing to approve."""
    now_ms = int(harness.clock() * 1000)
    await harness.store.roster.apply(
        [
            Move(MoveKind.CREATE, 1400000001, "1234", True, now_ms - 60_000),
            Move(MoveKind.DISMISS, 1400000001, "1234", True, now_ms - 1000),
        ],
        now=harness.clock(),
    )
    reply = await harness.say("oncall", "dismiss 1234")
    assert "is not live" in reply.headline and not reply.actions


async def test_kicking_everyone_is_treated_as_a_dismiss(harness: Harness) -> None:
    reply = await harness.say("oncall", f"kick 1234 {EVERYONE_IN_1234}")
    assert reply.headline.startswith("Approval needed"), reply.headline
    assert "This removes all 5 users: treated as dismissing the room." in text(reply)
    op = await harness.store.operations.get(reply.operation_id or 0)
    assert op is not None and op.action == "trtc:DismissRoom"
    some = await harness.say("oncall", "kick 1234 alice bob")
    assert some.headline.startswith("Confirm: ") and "treated as dismissing" not in text(some)


async def test_a_deny_on_the_kick_still_holds_when_it_is_weighed_as_a_dismiss(
    harness: Harness,
) -> None:
    """The stricter of both decisions: room 8888 may never be kicked from chat, so a
    kick of everyone there is denied, not merely sent for approval."""
    services = harness.core.services
    kick = services.grammar.spec("kick")
    assert kick is not None
    room = parse_room("8888", apps={}, default_app=1400000001)
    args = Args(room=room, users=["host_1"], reason=None)
    oncall = Person("U0ONCALL", frozenset({"S0ONCALL"}), "C0INCIDENT")
    auth = services.authorize(kick, Args({**args, AUTHORIZE_AS: "trtc:DismissRoom"}), oncall)
    assert auth is not None and auth[1].effect.value == "deny"
    assert auth[0].action == "trtc:RemoveUser"


async def test_a_ban_of_every_room_is_not_refused_as_a_room_not_live(harness: Harness) -> None:
    """``*`` is no room TRTC knows: its approval is asked, not refused as "not live"."""
    reply = await harness.say("oncall", "ban * mallory")
    assert reply.headline.startswith("Approval needed"), reply.headline
