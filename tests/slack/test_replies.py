"""Replies always reach the user: Slack's refusals retried, detoured, advised and recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.slack.advice import advice
from bot.store import OperationState
from tests.slack.conftest import CHANNEL, ONCALL, World, button, message
from tests.support.fake_slack import FakeSlack, buttons


def _in_thread(args: dict[str, Any]) -> bool:
    return args.get("channel") == CHANNEL and "thread_ts" in args


def _fatal(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", "fatal_error", where=_in_thread)


def _server_errors(fake: FakeSlack) -> None:  # past the client's two retries
    fake.server_error_next("chat.postMessage", status=503, times=3, where=_in_thread)


def _rate_limited(fake: FakeSlack) -> None:  # past the client's four retries
    fake.rate_limit_next("chat.postMessage", retry_after=0, times=5, where=_in_thread)


REFUSALS: dict[str, Callable[[FakeSlack], None]] = {
    "fatal_error": _fatal,
    "http_503": _server_errors,
    "ratelimited": _rate_limited,
}


async def _undelivered(world: World) -> list[Any]:
    return [r for r in await world.store.audit.recent(20) if r.outcome == "undelivered"]


async def test_server_errors_are_retried_and_the_reply_lands(world: World) -> None:
    """Two 503s on the parent post are retried by the client; nothing takes a detour."""
    fake = world.fake
    fake.server_error_next("chat.postMessage", status=503, times=2)
    await world.slack.slash(ONCALL, "users 1234")
    await fake.wait_for(lambda: len(fake.posts(CHANNEL)) >= 2, what="parent and reply")
    await world.bot.adapter.drain()
    assert len(fake.of("chat.postMessage!503")) == 2
    [parent, reply] = fake.posts(CHANNEL)
    assert reply.args["thread_ts"] == fake.messages_ts(parent)
    assert fake.responses == [] and fake.of("chat.postEphemeral") == []


@pytest.mark.parametrize("error", REFUSALS)
async def test_a_refused_confirm_prompt_reaches_the_requester_by_response_url(
    world: World, error: str
) -> None:
    """The thread refuses the kick's Confirm prompt (for good): it goes to the requester
    through the command's response_url, buttons and all, and Confirm still works; the
    audit has an ``undelivered`` record for the operation."""
    fake = world.fake
    REFUSALS[error](fake)
    await world.slack.slash(ONCALL, "kick 1234 alice")
    said = await fake.wait_for(
        lambda: [r for r in fake.responses if buttons(r.get("blocks") or [])],
        what="the prompt via response_url",
        within=30,
    )
    await world.bot.adapter.drain()
    prompt = said[0]
    assert prompt["response_type"] == "ephemeral"
    texts = [t["text"] for b in prompt["blocks"] for t in _texts(b)]
    assert any("could not post it in the thread" in t and error in t for t in texts)
    [record] = await _undelivered(world)
    [op] = await world.store.operations.in_state(*OperationState)
    assert record.operation_id == op.id
    assert record.note is not None and error in record.note and "response_url" in record.note
    # The parent (who ran what) says where the details went.
    [parent] = [p for p in fake.posts(CHANNEL) if "thread_ts" not in p.args]
    summary = fake.messages[(CHANNEL, fake.messages_ts(parent))]
    assert "went to the requester" in str(summary["blocks"])
    # The private prompt's Confirm runs the kick.
    shown = {"ts": "1700000999.000100", "channel": CHANNEL, "blocks": prompt["blocks"]}
    confirm = button(prompt["blocks"], "Confirm")
    await world.slack.press(world.slack.press_body(ONCALL, shown, confirm))
    await fake.wait_for(lambda: world.mutations(), what="the kick")
    await world.bot.adapter.drain()
    assert world.mutations() == ["RemoveUser"]


async def test_without_response_url_the_reply_goes_ephemeral(world: World) -> None:
    """A refused response_url (expired) and a mention (none): chat.postEphemeral."""
    fake = world.fake
    _fatal(fake)
    fake.refuse_responses(1)
    await world.slack.slash(ONCALL, "kick 1234 alice")
    [eph] = await fake.wait_for(lambda: fake.of("chat.postEphemeral"), what="ephemeral")
    assert eph.args["user"] == ONCALL
    assert [b["text"]["text"] for b in buttons(eph.blocks)] == ["Confirm", "Cancel"]
    assert len(fake.refused_responses) == 1
    await world.bot.adapter.drain()
    _fatal(fake)
    event = world.slack.mention_event(ONCALL, "users 1234", thread_ts="1699000000.000100")
    await world.slack.event(world.slack.event_body(event))
    await fake.wait_for(lambda: len(fake.of("chat.postEphemeral")) == 2, what="2nd ephemeral")
    await world.bot.adapter.drain()
    notes = sorted(r.note or "" for r in await _undelivered(world))
    assert len(notes) == 2 and all("via chat.postEphemeral" in n for n in notes)


@pytest.mark.parametrize(
    ("refuse", "error", "says"),
    [
        (lambda f: f.fail_next("chat.postMessage", "not_in_channel"), "not_in_channel", "invite"),
        (
            lambda f: f.fail_next("chat.postMessage", "channel_not_found"),
            "channel_not_found",
            "cannot see this channel",
        ),
        (lambda f: f.fail_next("chat.postMessage", "is_archived"), "is_archived", "archived"),
        (
            lambda f: f.server_error_next("chat.postMessage", status=503, times=3),
            "http_503",
            "Slack is busy",
        ),
    ],
    ids=["not_in_channel", "channel_not_found", "is_archived", "http_503"],
)
async def test_first_post_failure_advice_matches_the_error(
    world: World, refuse: Callable[[FakeSlack], None], error: str, says: str
) -> None:
    """When even the parent cannot be posted, the private answer says what is wrong."""
    refuse(world.fake)
    await world.slack.slash(ONCALL, "kick 1234 alice")
    [said] = await world.fake.wait_for(lambda: world.fake.responses, what="advice", within=15)
    assert says in said["text"] and error in said["text"]
    assert "Nothing was run." in said["text"]
    if error != "not_in_channel":
        assert "invite" not in said["text"]
    await world.bot.adapter.drain()
    assert world.mutations() == []


def test_every_refusal_has_its_own_sentence() -> None:
    """Known codes get a specific sentence; unknown ones a general one; codes are escaped."""
    assert "invite me" in advice("not_in_channel")
    assert "busy" in advice("ratelimited") and "busy" in advice("http_500")
    assert "token" in advice("invalid_auth")
    assert "refused the message" in advice("weird_<error>")
    assert "&lt;error&gt;" in advice("weird_<error>")


def _texts(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("type") in ("plain_text", "mrkdwn") else []
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


async def test_a_result_the_pressed_message_refuses_reaches_the_presser(world: World) -> None:
    """Confirm runs the kick, but Slack will not edit the message pressed: the result goes
    to the presser through the press's response_url, and the detour is on the record."""
    fake = world.fake
    await world.slack.slash(ONCALL, "kick 1234 alice")
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="prompt"
    )
    await world.bot.adapter.drain()
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    fake.fail_next("chat.update", "fatal_error", times=5)
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    said = await fake.wait_for(
        lambda: [r for r in fake.responses if "Removed alice" in str(r.get("blocks"))],
        what="the result via response_url",
        within=30,
    )
    await world.bot.adapter.drain()
    assert world.mutations() == ["RemoveUser"]
    assert said[0]["response_type"] == "ephemeral"
    [record] = await _undelivered(world)
    assert record.note is not None and "fatal_error" in record.note
