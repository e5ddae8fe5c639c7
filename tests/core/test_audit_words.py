"""The audit says what happened: a press as a press, an expiry as an expiry (issue 19)."""

from __future__ import annotations

from bot.core.reply import ActionKind
from tests.support.harness import Harness


async def test_presses_and_expiries_are_recorded_as_such(harness: Harness) -> None:
    asked = await harness.say("oncall", "dismiss 1234")
    await harness.press("lead", asked, ActionKind.REJECT)
    late = await harness.say("oncall", "dismiss standup")
    harness.clock.advance(3600)
    await harness.core.tick()
    records = await harness.store.audit.recent(10)
    texts = [(r.actor, r.text, r.outcome) for r in reversed(records)]
    assert ("U0LEAD", "pressed Reject on #1: dismiss 1234", "rejected") in texts, texts
    assert (
        "system:expiry",
        f"#{late.operation_id} expired unanswered: dismiss standup",
        "expired",
    ) in texts, texts
    assert not any(who == "U0LEAD" and text == "dismiss 1234" for who, text, _ in texts)
