"""Replies read like Slack: people by name or mention, command names as code.

Through the real Bolt app (HTTP) and the fake Slack: no ``plain_text`` of any posted
payload shows a raw user id or a literal backtick; the person asked to act is
mentioned, people only reported are named (their display name, no notification).
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core.markup import person, when
from bot.slack.spans import text_object
from tests.slack.conftest import APPROVALS, CHANNEL, LEAD, ONCALL, World, button, message
from tests.support.fake_slack import Call, text_objects

_USER_ID = re.compile(r"\bU0[A-Z0-9]+")


def _calls(world: World) -> list[Call]:
    fake = world.fake
    return [*fake.posts(), *fake.of("chat.update"), *fake.of("chat.postEphemeral")]


def _check_plain_text(world: World) -> list[tuple[str, str]]:
    """Every text object of every payload; asserts no plain_text holds an id or backtick."""
    found = [o for call in _calls(world) for o in text_objects(call.blocks)]
    found += [o for r in world.fake.responses for o in text_objects(r.get("blocks") or [])]
    for kind, text in found:
        if kind == "plain_text" and not text.startswith("/trtc "):  # the echoed command
            assert not _USER_ID.search(text), text
            assert "`" not in text, text
    return found


async def _thread_reply(world: World, n: int = 1) -> Call:
    fake = world.fake
    replies = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")][n - 1 :] or None,
        what=f"thread reply {n}",
    )
    return replies[0]


def _mrkdwn(blocks: Any) -> list[str]:
    return [t for k, t in text_objects(blocks) if k == "mrkdwn"]


async def test_kick_confirm_mentions_the_requester_and_names_who_confirmed(world: World) -> None:
    await world.slack.slash(ONCALL, "kick 1234 alice")
    reply = await _thread_reply(world)
    fake = world.fake
    assert any(f"Only <@{ONCALL}> can confirm" in t for t in _mrkdwn(reply.blocks)), reply.blocks
    assert any("use `mute` to silence" in t for t in _mrkdwn(reply.blocks))
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    await world.bot.adapter.drain()
    after = message(fake, CHANNEL, shown["ts"])
    texts = [t for _, t in text_objects(after["blocks"])]
    assert "Confirmed by Olive Oncall." in texts, texts
    assert not any(f"<@{ONCALL}>" in t for t in texts)  # reported, not pinged again
    _check_plain_text(world)


async def test_dismiss_approve_names_requester_and_approver(world: World) -> None:
    await world.slack.slash(ONCALL, 'dismiss 1234 --reason "stuck call"')
    reply = await _thread_reply(world)
    fake = world.fake
    await fake.wait_for(lambda: fake.posts(APPROVALS), what="approvals copy")
    await world.bot.adapter.drain()
    assert "Requested by: Olive Oncall" in _mrkdwn(reply.blocks)
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    await world.slack.press(world.slack.press_body(LEAD, shown, button(reply.blocks, "Approve")))
    await world.bot.adapter.drain()
    after = message(fake, CHANNEL, shown["ts"])
    texts = [t for _, t in text_objects(after["blocks"])]
    assert "Requested by Olive Oncall, approved by Lee Lead." in texts, texts
    assert not any("<@" in t for t in texts), texts
    _check_plain_text(world)


async def test_mute_undo_help_can_audit_show_no_raw_ids_or_backticks(world: World) -> None:
    await world.slack.slash(ONCALL, "mute 1234 bob")
    reply = await _thread_reply(world)
    fake = world.fake
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    await world.bot.adapter.drain()
    after = message(fake, CHANNEL, shown["ts"])
    await world.slack.press(world.slack.press_body(ONCALL, after, button(after["blocks"], "Undo")))
    await world.bot.adapter.drain()
    final = message(fake, CHANNEL, shown["ts"])
    texts = [t for _, t in text_objects(final["blocks"])]
    assert any("Undone by Olive Oncall" in t for t in texts), texts
    for line in ("help", f"can <@{LEAD}|lead> kick 1234", "audit"):
        await world.slack.slash(LEAD, line)
        await world.bot.adapter.drain()
    found = _check_plain_text(world)
    shown = [t for k, t in found if k == "mrkdwn"]
    assert "Stays until someone runs `unmute` (add --for 10m for a timed mute)." in shown
    assert "✅ Lee Lead may run `kick` on room 1400000001/1234 in this channel" in shown
    assert not any("`U0LEAD`" in t for t in shown)  # the name was found: no bare id
    [audit] = [t for t in shown if t.startswith("```") and "Olive Oncall" in t]
    assert ONCALL not in audit and "Lee Lead" in audit  # the audit's Who names people


def test_typed_text_forges_no_token_and_formats_nothing() -> None:
    """Markup delimiters typed by a person are dropped; a marked line whose other words
    would format (``*``, ``_``, backticks) is drawn as plain text, people by id."""
    from bot.core.invocation import Invocation, Origin
    from bot.core.markup import ask, code, person
    from bot.slack.spans import text_object

    typed = Invocation(ONCALL, CHANNEL, "kick 1 a --reason \ue000ask:U123\ue001", Origin.SLASH)
    assert "\ue000" not in typed.text and "ask:U123" in typed.text
    shown = text_object(f"Only {ask(ONCALL)} may; reason: *bold* `x`", 3000)
    assert shown["type"] == "plain_text" and "<@" not in shown["text"]
    assert text_object(f"Run {code('kick 1 `a` <!here>')} again", 3000) == {
        "type": "mrkdwn",
        "text": "Run `kick 1 ˋaˋ &lt;!here&gt;` again",
        "verbatim": True,
    }
    # Nobody to name (users.info did not answer): the id as code, which pings no one.
    assert text_object(f"cancelled by {person(LEAD)}", 3000)["text"] == f"cancelled by `{LEAD}`"


async def test_a_name_slack_will_not_give_falls_back_to_the_id_as_code(world: World) -> None:
    world.fake.names.clear()
    await world.slack.slash(ONCALL, 'dismiss 1234 --reason "stuck call"')
    reply = await _thread_reply(world)
    await world.bot.adapter.drain()
    assert f"Requested by: `{ONCALL}`" in _mrkdwn(reply.blocks)
    _check_plain_text(world)


async def test_app_home_names_the_requester(world: World) -> None:
    await world.slack.slash(ONCALL, 'dismiss 1234 --reason "stuck call"')
    await _thread_reply(world)
    await world.bot.adapter.drain()
    await world.bot.adapter.home.publish(LEAD)
    view = world.fake.of("views.publish")[-1].args["view"]
    texts = text_objects(view if isinstance(view, dict) else json.loads(view))
    assert ("mrkdwn", "Requested by: Olive Oncall") in texts, texts
    assert not any(k == "plain_text" and ONCALL in t for k, t in texts)


async def test_times_show_in_the_readers_time_zone_labelled(world: World) -> None:
    """Slack's ``users.info`` gives each reader's zone: the audit, App Home and a mute's
    end show their moments there, labelled; a reader without a known zone sees UTC."""
    world.fake.zones[LEAD] = {
        "tz": "Asia/Tokyo",
        "tz_label": "Japan Standard Time",
        "tz_offset": 32400,
    }
    await world.slack.slash(ONCALL, "mute 1234 bob --for 10m")
    reply = await _thread_reply(world)
    shown = message(world.fake, CHANNEL, world.fake.messages_ts(reply))
    await world.slack.press(world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm")))
    await world.bot.adapter.drain()
    await world.slack.slash(LEAD, "mute 1234 bob --for 1h")
    await world.bot.adapter.drain()
    texts = [t for call in _calls(world) for _, t in text_objects(call.blocks)]
    already = r"already muted until \d\d:\d\d:\d\d JST by Olive Oncall"
    assert any(re.search(already, t) for t in texts)
    await world.slack.slash(LEAD, "audit")
    await world.bot.adapter.drain()
    tables = [t for call in _calls(world) for t in _mrkdwn(call.blocks) if t.startswith("```")]
    assert any(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d JST", t) for t in tables), tables
    # Nobody's zone applied (a notice): UTC, labelled.
    assert text_object(f"Ends at {when(0)} by {person(LEAD)}", 3000)["text"] == (
        f"Ends at 00:00 UTC by `{LEAD}`"
    )
    await world.bot.adapter.home.publish(LEAD)
    view = world.fake.of("views.publish")[-1].args["view"]
    home = text_objects(view if isinstance(view, dict) else json.loads(view))
    assert any(re.search(r"\d\d:\d\d JST", t) for _, t in home), home
    _check_plain_text(world)
