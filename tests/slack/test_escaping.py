"""User-supplied text can neither ping nor reformat: escaped, and never in mrkdwn."""

from __future__ import annotations

import json

from bot.core.reply import Action, ActionKind, Reply, Severity, Table
from bot.slack.blocks import render
from bot.slack.markup import escape, fit, unescape
from tests.slack.conftest import CHANNEL, ONCALL, World
from tests.support.fake_slack import Call, text_objects

HOSTILE = "<!channel> <@U123> *bold* &amp;"


def _assert_inert(call: Call) -> None:
    """No raw control sequence anywhere; user text only in plain_text or code blocks."""
    payload = json.dumps(call.args, ensure_ascii=False)
    for raw in ("<!channel>", "<@U123>"):
        assert raw not in payload
    for kind, text in text_objects(call.blocks):
        if kind == "mrkdwn" and "*bold*" in text:
            assert text.startswith("```"), text  # only inside a code block
    assert "<!channel>" not in call.args.get("text", "")


async def test_hostile_reason_renders_escaped(world: World) -> None:
    """A reason typed as `<!channel> <@U123> *bold* &amp;` is shown, escaped, as plain text."""
    # Slack escapes what was typed: the payload carries &lt;!channel&gt; … &amp;amp;
    await world.slack.slash(ONCALL, f'kick 1234 alice --reason "{escape(HOSTILE)}"')
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="reply"
    )
    _assert_inert(reply)
    reason = [t for k, t in text_objects(reply.blocks) if t.startswith("Reason:")]
    assert reason == ["Reason: &lt;!channel&gt; &lt;@U123&gt; *bold* &amp;amp;"]
    kinds = {k for k, t in text_objects(reply.blocks) if "*bold*" in t}
    assert kinds == {"plain_text"}
    await world.bot.adapter.drain()
    for call in [*fake.posts(), *fake.of("chat.update")]:
        _assert_inert(call)


async def test_hostile_room_name_and_user_id_render_escaped(world: World) -> None:
    """A string room `<!channel>` (as Slack sends a real @channel) and a typed user id
    `<@U123>` are echoed escaped, never live."""
    await world.slack.slash(ONCALL, "users <!channel>")
    event = world.slack.mention_event(ONCALL, "kick 1234 &lt;@U123&gt;")
    await world.slack.event(world.slack.event_body(event))
    fake = world.fake
    await fake.wait_for(lambda: len(fake.posts(CHANNEL)) >= 3, what="both replies")
    await world.bot.adapter.drain()
    texts = [t for p in fake.posts(CHANNEL) for t in p.texts()]
    assert any("Room 1400000001/&lt;!channel&gt; is not live" in t for t in texts), texts
    assert any("'&lt;@U123&gt;' is not a TRTC user id" in t for t in texts), texts
    for call in [*fake.posts(), *fake.of("chat.update")]:
        _assert_inert(call)
    assert world.mutations() == []


async def test_slash_ack_echo_is_escaped(world: World) -> None:
    """The immediate "Working…" parent (the ack itself is empty) repeats the command as
    escaped plain text."""
    status, body = await world.slack.slash(ONCALL, "users <!channel>")
    assert status == 200 and body == ""
    await world.bot.adapter.drain()
    parent = world.fake.posts(CHANNEL)[0]
    assert "thread_ts" not in parent.args
    _assert_inert(parent)
    assert ("plain_text", "/trtc users &lt;!channel&gt;") in text_objects(parent.blocks)


def test_escape_round_trip_and_cut_never_splits_an_entity() -> None:
    """escape/unescape are inverse, and fit() cuts before an entity, never inside one."""
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"
    assert unescape(escape(HOSTILE)) == HOSTILE
    cut = fit("<" * 100, 10)
    assert len(cut) <= 10
    assert cut.endswith("…")
    assert cut[:-1] == "&lt;" * (len(cut[:-1]) // 4)


def test_render_respects_block_and_text_limits() -> None:
    """Huge fields, lines, tables and many buttons: every page ≤ 50 blocks, texts in limit."""
    reply = Reply(
        headline="x" * 5000,
        severity=Severity.ERROR,
        fields=tuple((f"k{i}", "<" * 3000) for i in range(25)),
        lines=tuple("&" * 500 for _ in range(200)),
        tables=(Table(("a", "b"), tuple((str(i), "`" * 3100) for i in range(300))),),
        actions=tuple(
            Action(ActionKind.CONFIRM, f"confirm:{i}:n", "Confirm" * 20) for i in range(30)
        ),
        label="SIMULATOR",
    )
    pages = render(reply)
    assert len(pages) > 1
    for page in pages:
        assert len(page.blocks) <= 50
        assert len(page.text) <= 3000
        for block in page.blocks:
            if block["type"] == "section" and "fields" in block:
                assert len(block["fields"]) <= 10
                assert all(len(f["text"]) <= 2000 for f in block["fields"])
            if block["type"] == "actions":
                assert len(block["elements"]) <= 25
                assert all(len(e["text"]["text"]) <= 75 for e in block["elements"])
        for kind, text in text_objects(page.blocks):
            assert 0 < len(text) <= 3000
            if kind == "mrkdwn" and text.startswith("```"):
                assert "`" not in text[3:-3]
    first = pages[0].blocks
    assert first[0] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "*SIMULATOR*"}]}
    assert first[-1]["type"] == "actions"


def test_a_usergroup_asked_to_act_is_mentioned_and_typed_text_is_not() -> None:
    """An escalation mentions its usergroup; an S… word someone typed stays text."""
    from bot.core.markup import ask
    from bot.slack.spans import mrkdwn_of

    assert mrkdwn_of(f"{ask('S0ESCALATE')}: please look") == "<!subteam^S0ESCALATE>: please look"
    assert mrkdwn_of(f"{ask('S0ESCALATE')} S0OTHER") == "<!subteam^S0ESCALATE> S0OTHER"
