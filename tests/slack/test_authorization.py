"""Who may do what is judged where it matters: an approval where it was requested, a
breakdown button for whoever presses it, never on a surface that would widen it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.personas import sample_policy_path
from tests.slack.conftest import APPROVALS, CHANNEL, LEAD, ONCALL, World, button, message
from tests.support.fake_slack import Call, buttons, text_objects

# A channel shared with a customer: TRTC may be changed there, but its guardrail grants
# no chatops action, so nobody may approve a request made in it.
CUSTOMER = "C0CUSTOMER"
STRANGER = "U0STRANGER"  # in no usergroup: the policy allows them nothing


@pytest.fixture
def policy_path(tmp_path: Path) -> Path:
    sample = sample_policy_path().read_text()
    assert "  channels:\n" in sample
    path = tmp_path / "policy.yaml"
    path.write_text(
        sample.replace("  channels:\n", f"  channels:\n    {CUSTOMER}: [QcloudTRTCFullAccess]\n")
    )
    return path


def _texts(message: dict) -> list[str]:
    return [t for _, t in text_objects(message.get("blocks") or [])]


async def _ephemerals(world: World, count: int) -> list[Call]:
    fake = world.fake
    found: list[Call] = await fake.wait_for(
        lambda: len(fake.of("chat.postEphemeral")) >= count and fake.of("chat.postEphemeral"),
        what=f"{count} ephemeral(s)",
    )
    return found


async def test_the_approvals_copy_cannot_widen_the_request_channels_guardrail(
    world: World,
) -> None:
    """A dismiss asked in a channel where nobody may approve is refused on its thread and on
    its approvals-channel copy alike: the copy's channel allows approving, but it is the
    request's channel that counts. Nothing runs; both messages keep their buttons."""
    fake, slack = world.fake, world.slack
    await slack.slash(ONCALL, "dismiss 1234", channel=CUSTOMER)
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CUSTOMER) if p.args.get("thread_ts")], what="thread"
    )
    [copy_post] = await fake.wait_for(lambda: fake.posts(APPROVALS), what="approvals copy")
    await world.bot.adapter.drain()
    thread_msg = message(fake, CUSTOMER, fake.messages_ts(reply))
    copy = message(fake, APPROVALS, fake.messages_ts(copy_post))
    await slack.press(slack.press_body(LEAD, thread_msg, button(thread_msg["blocks"], "Approve")))
    await slack.press(slack.press_body(LEAD, copy, button(copy["blocks"], "Approve")))
    refusals = await _ephemerals(world, 2)
    await world.bot.adapter.drain()
    assert world.mutations() == []
    assert sorted(c.args["channel"] for c in refusals) == [APPROVALS, CUSTOMER]
    for refusal in refusals:
        assert refusal.args["user"] == LEAD
        assert any("may not approve" in t and "guardrail" in t for t in refusal.texts())
    for channel, ts in ((CUSTOMER, thread_msg["ts"]), (APPROVALS, copy["ts"])):
        assert len(buttons(message(fake, channel, ts)["blocks"])) == 3  # Approve, Reject, Cancel
    denied = [r for r in await world.store.audit.recent(10) if r.outcome == "denied"]
    assert len(denied) == 2 and {r.actor for r in denied} == {LEAD}


async def test_a_requester_moved_out_of_his_group_is_refused_at_approval_on_both_messages(
    world: World,
) -> None:
    """Usergroups are read again when the approved dismiss would run: the on-call engineer
    has left S0ONCALL since asking, so nothing runs, and the thread message and its
    approvals-channel copy both say why, without buttons."""
    fake, slack = world.fake, world.slack
    await slack.slash(ONCALL, "dismiss 1234")
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="thread"
    )
    [copy_post] = await fake.wait_for(lambda: fake.posts(APPROVALS), what="approvals copy")
    await world.bot.adapter.drain()
    thread_msg = message(fake, CHANNEL, fake.messages_ts(reply))
    fake.usergroups["S0ONCALL"] = []
    world.clock.advance(301)  # past the usergroup cache's TTL, within the approval's
    await slack.press(slack.press_body(LEAD, thread_msg, button(thread_msg["blocks"], "Approve")))
    await world.bot.adapter.drain()
    assert world.mutations() == []
    copy_ts = fake.messages_ts(copy_post)
    for channel, ts in ((CHANNEL, thread_msg["ts"]), (APPROVALS, copy_ts)):
        now = message(fake, channel, ts)
        assert any("was not run: Olive Oncall may no longer" in t for t in _texts(now)), channel
        assert buttons(now["blocks"]) == []


async def test_a_breakdown_press_by_someone_not_allowed_is_answered_privately(
    world: World,
) -> None:
    """A `run:` button (a quality report's breakdown) pressed by someone the policy allows
    nothing gets a private refusal; the shared report it sits on is left as it was."""
    fake, slack = world.fake, world.slack
    await slack.slash(ONCALL, "rooms")
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="report"
    )
    await world.bot.adapter.drain()
    report = message(fake, CHANNEL, fake.messages_ts(reply))
    breakdown = {
        "action_id": "run:quality 1234 --user alice",
        "text": {"type": "plain_text", "text": "alice's breakdown"},
    }
    updates = len(fake.of("chat.update"))
    await slack.press(slack.press_body(STRANGER, report, breakdown))
    [refusal] = await _ephemerals(world, 1)
    await world.bot.adapter.drain()
    assert refusal.args["user"] == STRANGER
    assert any("Not allowed" in t for t in refusal.texts())
    assert len(fake.of("chat.update")) == updates
    assert message(fake, CHANNEL, report["ts"])["blocks"] == report["blocks"]
    [record] = [r for r in await world.store.audit.recent(5) if r.actor == STRANGER]
    assert record.outcome == "denied"
