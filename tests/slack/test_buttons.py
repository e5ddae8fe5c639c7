"""Buttons: confirm, approve by a second person, double clicks, approvals channel, expiry."""

from __future__ import annotations

import asyncio

from tests.slack.conftest import APPROVALS, CHANNEL, LEAD, ONCALL, World, button, message
from tests.support.fake_slack import Call, buttons


async def _thread_reply(world: World, channel: str = CHANNEL) -> Call:
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(channel) if p.args.get("thread_ts")], what="thread reply"
    )
    return reply


async def _request_dismiss(world: World) -> tuple[dict, dict]:
    """The on-call engineer asks to dismiss room 1234: the thread message and its copy."""
    await world.slack.slash(ONCALL, 'dismiss 1234 --reason "stuck call"')
    reply = await _thread_reply(world)
    fake = world.fake
    [copy] = await fake.wait_for(lambda: fake.posts(APPROVALS), what="approvals copy")
    await world.bot.adapter.drain()
    return (
        message(fake, CHANNEL, fake.messages_ts(reply)),
        message(fake, APPROVALS, fake.messages_ts(copy)),
    )


async def test_requester_confirms_kick_and_the_message_loses_its_buttons(world: World) -> None:
    """Confirm by the requester runs the kick once and edits the message in place."""
    await world.slack.slash(ONCALL, "kick 1234 alice")
    reply = await _thread_reply(world)
    fake = world.fake
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    await fake.wait_for(
        lambda: any(u.args["ts"] == shown["ts"] for u in fake.of("chat.update")), what="update"
    )
    await world.bot.adapter.drain()
    assert world.mutations() == ["RemoveUser"]
    now = message(fake, CHANNEL, shown["ts"])
    texts = [t for _, t in _texts(now)]
    assert any("Removed alice" in t for t in texts)
    assert any(t == "Confirm pressed by Olive Oncall" for t in texts)
    assert buttons(now["blocks"]) == []


async def test_someone_elses_confirm_is_refused_privately(world: World) -> None:
    """Pressing another person's Confirm gets an ephemeral refusal; nothing runs or changes."""
    await world.slack.slash(ONCALL, "kick 1234 alice")
    reply = await _thread_reply(world)
    fake = world.fake
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    await fake.wait_for(lambda: fake.of("chat.update"), what="parent update")
    updates_before = len(fake.of("chat.update"))
    await world.slack.press(world.slack.press_body(LEAD, shown, button(reply.blocks, "Confirm")))
    [refusal] = await fake.wait_for(lambda: fake.of("chat.postEphemeral"), what="ephemeral")
    await world.bot.adapter.drain()
    assert refusal.args["user"] == LEAD
    assert refusal.args["channel"] == CHANNEL
    assert refusal.args["thread_ts"] == reply.args["thread_ts"]
    assert any("Only Olive Oncall, who asked for this, can confirm" in t for t in refusal.texts())
    assert world.mutations() == []
    assert len(fake.of("chat.update")) == updates_before
    assert len(buttons(message(fake, CHANNEL, shown["ts"])["blocks"])) == 2


async def test_approval_by_second_user_with_double_and_concurrent_clicks_runs_once(
    world: World,
) -> None:
    """Approve pressed twice at once and once more (plus a replayed payload) dismisses once;
    the thread message, the approvals-channel copy and the parent are all updated."""
    thread_msg, copy = await _request_dismiss(world)
    approve = button(thread_msg["blocks"], "Approve")
    assert approve["style"] == "danger"
    assert "Requested in <#C0INCIDENT>" in [t for _, t in _texts(copy)]
    slack = world.slack
    replayed = slack.press_body(LEAD, thread_msg, approve, trigger="same.trigger")
    results = await asyncio.gather(
        slack.press(slack.press_body(LEAD, thread_msg, approve)),
        slack.press(slack.press_body(LEAD, copy, button(copy["blocks"], "Approve"))),
        slack.press(replayed),
        slack.press(replayed),
    )
    assert [s for s, _ in results] == [200, 200, 200, 200]
    await world.bot.adapter.drain()
    assert world.mutations() == ["DismissRoom"]
    fake = world.fake
    for channel, ts in ((CHANNEL, thread_msg["ts"]), (APPROVALS, copy["ts"])):
        now = message(fake, channel, ts)
        texts = [t for _, t in _texts(now)]
        assert any("approved by Lee Lead" in t for t in texts), texts
        assert buttons(now["blocks"]) == []
    parent = fake.posts(CHANNEL)[0]
    parent_now = message(fake, CHANNEL, fake.messages_ts(parent))
    assert any("Dismissed" in t or "dismiss" in t.lower() for _, t in _texts(parent_now))
    # Three distinct clicks (the replay was dropped): one won, two were told so privately.
    losers = fake.of("chat.postEphemeral")
    assert len(losers) == 2
    assert {c.args["user"] for c in losers} == {LEAD}
    assert all("already" in t for c in losers for t in c.texts()[1:])
    # One more click after the fact changes nothing either.
    await slack.press(slack.press_body(LEAD, thread_msg, approve))
    await world.bot.adapter.drain()
    assert world.mutations() == ["DismissRoom"]


async def test_requester_cannot_approve_their_own_request(world: World) -> None:
    """The requester's own Approve is refused privately and the request stays open."""
    thread_msg, _ = await _request_dismiss(world)
    lead_self = world.slack.press_body(ONCALL, thread_msg, button(thread_msg["blocks"], "Approve"))
    await world.slack.press(lead_self)
    [refusal] = await world.fake.wait_for(lambda: world.fake.of("chat.postEphemeral"))
    assert any("own request" in t for t in refusal.texts())
    await world.bot.adapter.drain()
    assert world.mutations() == []


async def test_expiry_updates_both_messages_by_itself(world: World) -> None:
    """An approval nobody decides expires on the background tick; both messages say so."""
    thread_msg, copy = await _request_dismiss(world)
    world.clock.advance(world.core.services.approval_ttl_s + 1)
    await world.core.tick()
    await world.bot.adapter.drain()
    fake = world.fake
    for channel, ts in ((CHANNEL, thread_msg["ts"]), (APPROVALS, copy["ts"])):
        now = message(fake, channel, ts)
        assert any("expired before anyone acted" in t for _, t in _texts(now))
        assert buttons(now["blocks"]) == []
    assert world.mutations() == []
    # A late press on the expired message is refused privately.
    await world.slack.press(
        world.slack.press_body(LEAD, thread_msg, button(thread_msg["blocks"], "Approve"))
    )
    await world.bot.adapter.drain()
    assert world.mutations() == []
    assert any("expired" in t for c in fake.of("chat.postEphemeral") for t in c.texts())


async def test_undo_after_a_mute_updates_the_message(world: World) -> None:
    """Mute → Confirm → Undo: the operation's message ends showing the undo, no buttons."""
    await world.slack.slash(ONCALL, "mute 1234 bob")
    reply = await _thread_reply(world)
    fake = world.fake
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    await world.bot.adapter.drain()
    after = message(fake, CHANNEL, shown["ts"])
    undo = button(after["blocks"], "Undo")
    await world.slack.press(world.slack.press_body(ONCALL, after, undo))
    await world.bot.adapter.drain()
    final = message(fake, CHANNEL, shown["ts"])
    assert any("Undone by Olive Oncall" in t for _, t in _texts(final))
    assert buttons(final["blocks"]) == []
    assert world.mutations() == ["SetUserBlocked", "SetUserBlocked"]


def _texts(stored: dict) -> list[tuple[str, str]]:
    from tests.support.fake_slack import text_objects

    return text_objects(stored["blocks"])


async def test_timed_mute_lift_edits_the_mute_message_and_its_undo_goes(world: World) -> None:
    """A timed mute lifted by the background tick is shown on the mute's own message,
    whose Undo button goes; the old Undo, pressed anyway, is refused and changes nothing."""
    event = world.slack.mention_event(ONCALL, "mute 1234 bob --for 10m", thread_ts="1699.000500")
    await world.slack.event(world.slack.event_body(event))
    fake = world.fake
    [ask] = await fake.wait_for(lambda: fake.posts(CHANNEL), what="confirmation")
    shown = message(fake, CHANNEL, fake.messages_ts(ask))
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(ask.blocks, "Confirm")))
    await world.bot.adapter.drain()
    muted = message(fake, CHANNEL, shown["ts"])
    undo = button(muted["blocks"], "Undo")
    world.clock.advance(11 * 60)
    await world.core.tick()
    await world.bot.adapter.drain()
    now = message(fake, CHANNEL, shown["ts"])
    assert any("Unmuted bob" in t for _, t in _texts(now))
    assert any("lifted automatically" in t for _, t in _texts(now))
    assert buttons(now["blocks"]) == []
    assert not [p for p in fake.posts(CHANNEL) if any("Unmuted bob" in t for t in p.texts())]
    assert world.mutations() == ["SetUserBlocked", "SetUserBlocked"]
    await world.slack.press(world.slack.press_body(ONCALL, muted, undo))
    [refusal] = await fake.wait_for(lambda: fake.of("chat.postEphemeral"), what="ephemeral")
    await world.bot.adapter.drain()
    assert any("no longer in force (lifted by system:timed-mute" in t for t in refusal.texts())
    assert world.mutations() == ["SetUserBlocked", "SetUserBlocked"]
