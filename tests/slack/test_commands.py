"""/trtc and @mentions, end to end through the real Bolt app in HTTP mode."""

from __future__ import annotations

import asyncio

from bot.store import OperationState
from tests.slack.conftest import CHANNEL, ONCALL, PNG, World
from tests.support.fake_slack import BOT_USER, buttons, text_objects


async def test_slash_command_posts_parent_then_result_in_its_thread(world: World) -> None:
    """`/trtc users 1234`: one acknowledgement, the visible "Working…" parent (the ack
    is empty, so Slack shows nothing else); the table lands in the parent's thread."""
    status, body = await world.slack.slash(ONCALL, "users 1234")
    assert status == 200
    assert body == ""
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="thread reply"
    )
    parent = fake.posts(CHANNEL)[0]
    assert parent.args["text"] == "/trtc users 1234: Working…"
    assert parent.texts()[-2:] == ["/trtc users 1234", "Working…"]
    assert fake.of("chat.postEphemeral") == [] and fake.responses == []
    parent_ts = fake.messages_ts(parent)
    assert "thread_ts" not in parent.args
    assert reply.args["thread_ts"] == parent_ts
    texts = reply.texts()
    assert texts[0] == "*SIMULATOR*"
    assert any("5 in room 1400000001/1234" in t for t in texts)
    assert any(t.startswith("```") and "alice" in t for t in texts)
    # The parent is then edited to say how it went (who ran what stays visible).
    update = await fake.wait_for(lambda: fake.of("chat.update"), what="parent update")
    assert update[-1].args["ts"] == parent_ts
    assert any("5 in room" in t for t in update[-1].texts())
    assert any(f"<@{ONCALL}> ran" == t for t in update[-1].texts())
    assert world.mutations() == []


async def test_mention_answers_in_the_incident_thread(world: World) -> None:
    """`@bot users 1234` said in a thread is answered in that thread, nowhere else."""
    event = world.slack.mention_event(ONCALL, "users 1234", thread_ts="1699000000.000100")
    status, _ = await world.slack.event(world.slack.event_body(event))
    assert status == 200
    fake = world.fake
    [reply] = await fake.wait_for(lambda: fake.posts(CHANNEL), what="the reply")
    assert reply.args["thread_ts"] == "1699000000.000100"
    assert any("5 in room" in t for t in reply.texts())


async def test_top_level_mention_starts_a_thread_under_itself(world: World) -> None:
    """A mention outside a thread is answered in a new thread under the mention."""
    event = world.slack.mention_event(ONCALL, "whoami")
    await world.slack.event(world.slack.event_body(event))
    [reply] = await world.fake.wait_for(lambda: world.fake.posts(CHANNEL), what="the reply")
    assert reply.args["thread_ts"] == event["ts"]
    assert any("You are Olive Oncall" in t for t in reply.texts())


async def test_retried_mention_is_answered_once(world: World) -> None:
    """Slack's retries of one event (X-Slack-Retry-Num), even concurrent, give one reply."""
    body = world.slack.event_body(world.slack.mention_event(ONCALL, "kick 1234 alice"))
    first = await world.slack.event(body)
    retries = await asyncio.gather(
        world.slack.event(body, retry=1), world.slack.event(body, retry=2)
    )
    assert [first[0], *(s for s, _ in retries)] == [200, 200, 200]
    await world.fake.wait_for(lambda: world.fake.posts(CHANNEL), what="the reply")
    await world.bot.adapter.drain()
    [reply] = world.fake.posts(CHANNEL)
    assert [b["text"]["text"] for b in buttons(reply.blocks)] == ["Confirm", "Cancel"]
    assert await world.store.audit.count() == 1


async def test_mention_of_the_bot_mid_sentence_uses_what_follows(world: World) -> None:
    """`hey <@bot> whoami` runs `whoami`: the text after the bot's mention."""
    event = world.slack.mention_event(ONCALL, "x")
    event["text"] = f"hey <@{BOT_USER}> whoami"
    await world.slack.event(world.slack.event_body(event))
    [reply] = await world.fake.wait_for(lambda: world.fake.posts(CHANNEL), what="the reply")
    assert any("You are Olive Oncall" in t for t in reply.texts())


async def test_progress_edits_one_status_message_and_files_go_to_the_thread(world: World) -> None:
    """A slow command's progress edits one message at most every interval; its file is
    uploaded into the thread with files_upload_v2."""
    event = world.slack.mention_event(ONCALL, "slowreport", thread_ts="1699000000.000300")
    await world.slack.event(world.slack.event_body(event))
    fake = world.fake
    await fake.wait_for(lambda: fake.of("files.completeUploadExternal"), what="upload")
    await world.bot.adapter.drain()
    [status] = fake.posts(CHANNEL)
    assert status.args["thread_ts"] == "1699000000.000300"
    assert any("step 1 of 8" in t for t in status.texts())
    status_ts = fake.messages_ts(status)
    edits = [u for u in fake.of("chat.update") if u.args["ts"] == status_ts]
    # 8 reports over ~0.4 s, interval 0.2 s: a few edits, not 8; the last shows the result.
    assert 2 <= len(edits) <= 5
    assert any("Report ready" in t for t in edits[-1].texts())
    [url] = fake.of("files.getUploadURLExternal")
    assert url.args["filename"] == "chart.png"
    assert list(fake.uploads.values()) == [PNG]
    [done] = fake.of("files.completeUploadExternal")
    assert done.args["channel_id"] == CHANNEL
    assert done.args["thread_ts"] == "1699000000.000300"


async def test_long_table_is_split_within_block_limits(world: World) -> None:
    """3,000 rows become several thread messages, each ≤ 50 blocks and ≤ 3,000 chars a text."""
    await world.slack.slash(ONCALL, "longtable")
    fake = world.fake
    await fake.wait_for(lambda: fake.of("chat.update"), what="the parent update")
    await world.bot.adapter.drain()
    thread = [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")]
    assert len(thread) >= 2
    rows_shown = 0
    for post in thread:
        assert len(post.blocks) <= 50
        for _, text in text_objects(post.blocks):
            assert 0 < len(text) <= 3000
            assert "<!channel>" not in text
        rows_shown += sum(t.count("&lt;!channel&gt;") for t in post.texts())
    assert rows_shown == 3000
    assert any("end" in t for t in thread[-1].texts())


async def test_not_in_channel_says_so_privately_and_runs_nothing(world: World) -> None:
    """If the bot may not post in the channel, the user is told how to fix it; nothing runs,
    and the audit says why."""
    world.fake.fail_next("chat.postMessage", "not_in_channel")
    await world.slack.slash(ONCALL, "kick 1234 alice")
    [said] = await world.fake.wait_for(lambda: world.fake.responses, what="response_url post")
    assert "not_in_channel" in said["text"]
    assert said["response_type"] == "ephemeral"
    await world.bot.adapter.drain()
    [record] = await world.store.audit.recent(5)
    assert (record.outcome, record.command, record.text) == ("not_run", None, "kick 1234 alice")
    assert record.note is not None and "not_in_channel" in record.note
    assert record.delivery is not None and record.delivery.startswith("command:")
    assert world.mutations() == []
    assert await world.store.operations.in_state(*OperationState) == []


async def test_a_command_that_says_payload_is_run(world: World) -> None:
    """Slash commands are read here, not by Bolt, whose form reader takes any body
    containing "payload" for an interaction and would have dropped this one."""
    status, _ = await world.slack.slash(ONCALL, "users payload")
    assert status == 200
    fake = world.fake
    [parent] = await fake.wait_for(lambda: fake.posts(CHANNEL), what="parent post")
    assert parent.args["text"].startswith("/trtc users payload")
