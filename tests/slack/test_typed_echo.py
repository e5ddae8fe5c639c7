"""What the person typed comes back as they typed it: one acknowledgement (the visible
parent), their @mentions as mentions, autocorrected quotes and dashes read as ASCII."""

from __future__ import annotations

import json

from bot.core.grammar import MAX_TEXT
from bot.slack.blocks import MAX_FALLBACK, parent_message
from bot.slack.markup import escape, split_mentions
from tests.slack.conftest import CHANNEL, ONCALL, VIEWER, World
from tests.support.fake_slack import Call, text_objects

HOSTILE = "<!channel> <@U123> *bold* &amp;"


def _ran(call: Call) -> list[tuple[str, str]]:
    """The parent's "@x ran /trtc …" context: (type, text) of each element."""
    [block] = [b for b in call.blocks if b["type"] == "context" and "ran" in json.dumps(b)]
    return [(e["type"], e["text"]) for e in block["elements"]]


async def _parent_and_reply(world: World, text: str) -> tuple[Call, Call]:
    """Run ``/trtc text``; the last state of its parent and its thread reply."""
    status, body = await world.slack.slash(ONCALL, text)
    assert (status, body) == (200, "")  # the ack shows nothing
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="reply"
    )
    await world.bot.adapter.drain()
    [parent] = [p for p in fake.posts(CHANNEL) if not p.args.get("thread_ts")]
    ts = fake.messages_ts(parent)
    updates = [u for u in fake.of("chat.update") if u.args["ts"] == ts]
    return (updates[-1] if updates else parent), reply


async def test_one_acknowledgement_per_slash_command(world: World) -> None:
    """The ack is empty and nothing private is sent: the visible parent is the only
    acknowledgement, and the result fills it."""
    parent, _ = await _parent_and_reply(world, "users 1234")
    fake = world.fake
    assert len([p for p in fake.posts(CHANNEL) if not p.args.get("thread_ts")]) == 1
    assert fake.of("chat.postEphemeral") == [] and fake.responses == []
    assert "5 in room" in parent.args["text"]


async def test_parent_shows_a_mention_as_a_mention(world: World) -> None:
    """`/trtc can @viewer kick 1234` (Slack sends `<@U0VIEWER|viewer>`): the parent
    names the viewer with a real mention; the rest is plain text."""
    parent, _ = await _parent_and_reply(world, f"can <@{VIEWER}|viewer> kick 1234")
    assert _ran(parent) == [
        ("mrkdwn", f"<@{ONCALL}> ran"),
        ("plain_text", "/trtc can"),
        ("mrkdwn", f"<@{VIEWER}>"),
        ("plain_text", "kick 1234"),
    ]
    assert parent.args["text"].startswith(f"/trtc can <@{VIEWER}> kick 1234: ")
    assert "|viewer" not in json.dumps(parent.args)


async def test_hostile_text_beside_a_mention_stays_escaped(world: World) -> None:
    """Only Slack's own mention is live: typed `<@U123>`, `<!channel>`, `*bold*` and
    `&amp;` next to it stay escaped plain text."""
    typed = f'can <@{VIEWER}|viewer> kick 1234 "{escape(HOSTILE)}"'
    parent, _ = await _parent_and_reply(world, typed)
    payload = json.dumps(parent.args, ensure_ascii=False)
    assert "<!channel>" not in payload and "<@U123>" not in payload
    for kind, text in text_objects(parent.blocks):
        assert kind == "plain_text" or "*bold*" not in text
    assert ("plain_text", 'kick 1234 "&lt;!channel&gt; &lt;@U123&gt; *bold* &amp;amp;"') in _ran(
        parent
    )
    assert ("mrkdwn", f"<@{VIEWER}>") in _ran(parent)


async def test_smart_punctuation_in_slack_means_the_ascii(world: World) -> None:
    """`--reason “two words”` and `—for 10m` from a Mac read as `--reason "two words"`
    and `--for 10m`: one user, one reason, the mute for ten minutes."""
    _, kick = await _parent_and_reply(world, "kick 1234 bob --reason “two words”")
    texts = kick.texts()
    assert any("remove bob from room 1400000001/1234?" in t for t in texts), texts
    assert any(t == "Reason: two words" for t in texts), texts
    assert not any("words”" in t for t in texts), texts
    world.fake.calls.clear()
    _, mute = await _parent_and_reply(world, "mute 1234 bob —for 10m")
    assert any("mute bob in room 1400000001/1234 for 10m?" in t for t in mute.texts())
    assert world.mutations() == []


def test_long_command_keeps_the_status_in_the_fallback() -> None:
    """A command as long as the grammar allows, all `<`: the notification text still ends
    with how it went, within Slack's limit, never cut mid-entity."""
    typed = escape("<" * MAX_TEXT)
    message = parent_message("SIMULATOR", ONCALL, typed, "✅ Removed bob")
    assert message.text.endswith(": ✅ Removed bob") and len(message.text) <= MAX_FALLBACK
    assert "<" not in message.text
    many = " ".join(f"<@U{n:03d}X|x>" for n in range(20))
    crowded = parent_message(None, ONCALL, f"can {many}", "Working…")
    [ran] = [b for b in crowded.blocks if b["type"] == "context"]
    assert len(ran["elements"]) <= 10
    assert ran["elements"][-1]["type"] == "plain_text"
    assert split_mentions(f"a &lt;@U123&gt; <@{VIEWER}|v> b") == ["a <@U123> ", VIEWER, " b"]
