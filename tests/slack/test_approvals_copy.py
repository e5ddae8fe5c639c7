"""The approvals channel refuses a request's copy: the requester is told, it is retried."""

from __future__ import annotations

from typing import Any

from tests.slack.conftest import APPROVALS, CHANNEL, LEAD, ONCALL, World, button, message
from tests.support.fake_slack import buttons


def _to_approvals(args: dict[str, Any]) -> bool:
    return args.get("channel") == APPROVALS


async def _request_dismiss(world: World) -> None:
    world.bot.adapter.detours.copy_retry_delays = (0.05, 0.1, 0.2)
    await world.slack.slash(ONCALL, 'dismiss 1234 --reason "stuck call"')


def _told(world: World) -> list[Any]:
    return [
        p
        for p in world.fake.posts(CHANNEL)
        if p.args.get("thread_ts") and any("could not post this request" in t for t in p.texts())
    ]


async def test_a_refused_copy_is_told_to_the_requester_then_retried(world: World) -> None:
    """not_in_channel twice: the request's thread says approvers there have not seen it and
    why; a later try posts the copy, the note says so, and Approve there updates it too."""
    fake = world.fake
    fake.fail_next("chat.postMessage", "not_in_channel", times=2, where=_to_approvals)
    await _request_dismiss(world)
    [copy] = await fake.wait_for(lambda: fake.posts(APPROVALS), what="the retried copy")
    await world.bot.adapter.drain()
    assert len(fake.of("chat.postMessage!not_in_channel")) == 2
    [told] = _told(world)
    text = " ".join(told.texts())
    assert "<#C0APPROVALS>" in text and "not_in_channel" in text and "invite me" in text
    assert "ask an approver directly" in text
    now = str(message(fake, CHANNEL, fake.messages_ts(told))["blocks"])
    assert "Now posted in <#C0APPROVALS>" in now
    [record] = [r for r in await world.store.audit.recent(10) if r.outcome == "undelivered"]
    assert record.note is not None and "approvals copy refused" in record.note
    # The late copy is one of the operation's messages: Approve in the thread edits it.
    [request] = [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts") and p is not told]
    shown = message(fake, CHANNEL, fake.messages_ts(request))
    await world.slack.press(world.slack.press_body(LEAD, shown, button(request.blocks, "Approve")))
    await fake.wait_for(lambda: world.mutations(), what="the dismissal")
    await world.bot.adapter.drain()
    assert buttons(message(fake, APPROVALS, fake.messages_ts(copy))["blocks"]) == []


async def test_a_copy_refused_every_time_says_it_gave_up(world: World) -> None:
    """Every try refused: the note in the thread ends saying so; no copy, one request."""
    fake = world.fake
    fake.fail_next("chat.postMessage", "channel_not_found", times=10, where=_to_approvals)
    await _request_dismiss(world)
    await fake.wait_for(lambda: len(fake.of("chat.postMessage!channel_not_found")) == 4, within=15)
    await world.bot.adapter.drain()
    assert fake.posts(APPROVALS) == []
    [told] = _told(world)
    final = str(message(fake, CHANNEL, fake.messages_ts(told))["blocks"])
    assert "gave up posting this request" in final and "cannot see this channel" in final
