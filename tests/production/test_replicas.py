"""Two bot processes on one database: a click, an event and a callback delivered to
both are executed and posted exactly once (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bot.callbacks import sign as sign_callback
from bot.console.personas import sample_policy_path
from bot.trtc.simulator import SimulatorConfig, serve_simulator
from tests.conftest import SECRET_ID, SECRET_KEY, free_port, wait_healthy
from tests.slack.conftest import CHANNEL, ONCALL, SIGNING_SECRET, SlackPeer, button, message
from tests.slack.fake_slack import FakeSlack, serve_fake_slack

CALLBACK_KEY = "replicakey42"


@asynccontextmanager
async def replica(env: dict[str, str], cwd: Path) -> AsyncIterator[str]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env={**env, "PORT": str(port)},
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(url)
        yield url
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)


def _callback(user: str) -> bytes:
    now = int(time.time() * 1000)
    return json.dumps(
        {
            "EventGroupId": 1,
            "EventType": 103,
            "CallbackTs": now,
            "EventInfo": {
                "RoomId": 1234,
                "EventTs": now // 1000,
                "EventMsTs": now,
                "UserId": user,
                "Role": 20,
                "Reason": 1,
            },
        }
    ).encode()


async def test_two_replicas_act_once(database_url: str, tmp_path: Path) -> None:
    """Click, event and callback each delivered to both replicas: one execution, one post."""
    fake = FakeSlack(usergroups={"S0ONCALL": [ONCALL]})
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRTC_"))}
    async with serve_simulator(config) as sim, serve_fake_slack(fake):
        env.update(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.url + "/api/",
            TENCENTCLOUD_SECRET_ID=SECRET_ID,
            TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
            TRTC_ENDPOINT=sim.url,
            TRTC_SDK_APP_ID="1400000001",
            TRTC_CALLBACK_KEY=CALLBACK_KEY,
            TRTC_CHATOPS_POLICY_FILE=str(sample_policy_path()),
            DATABASE_URL=database_url,
        )
        async with (
            replica(env, tmp_path) as url_a,
            replica(env, tmp_path) as url_b,
            aiohttp.ClientSession() as http,
        ):
            a, b = SlackPeer(url_a, fake, http), SlackPeer(url_b, fake, http)

            # 1. The same Confirm click reaches both replicas at once.
            await a.slash(ONCALL, "kick 1234 alice")
            [reply] = await fake.wait_for(
                lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")],
                what="confirmation",
            )
            shown = message(fake, CHANNEL, fake.messages_ts(reply))
            click = a.press_body(ONCALL, shown, button(reply.blocks, "Confirm"))
            await asyncio.gather(a.press(click), b.press(click))
            await fake.wait_for(
                lambda: any("Removed alice" in " ".join(u.texts()) for u in fake.of("chat.update")),
                what="kick result",
            )

            # 2. The same app_mention (one event id) reaches both replicas.
            thread = shown["ts"]
            event = a.event_body(a.mention_event(ONCALL, "watch 1234", thread_ts=thread), "EvDUP1")
            await asyncio.gather(a.event(event), b.event(event, retry=1))
            await fake.wait_for(
                lambda: [p for p in fake.posts(CHANNEL) if "Watching" in " ".join(p.texts())],
                what="watch reply",
            )

            # 3. The same TRTC callback reaches both replicas.
            body = _callback("newcomer")
            headers = {
                "Content-Type": "application/json",
                "Sign": sign_callback(body, CALLBACK_KEY),
                "SdkAppId": "1400000001",
            }
            for url in (url_a, url_b):
                async with http.post(url + "/trtc/callback", data=body, headers=headers) as r:
                    assert r.status == 200
            await fake.wait_for(
                lambda: [p for p in fake.posts(CHANNEL) if "newcomer" in " ".join(p.texts())],
                what="feed post",
                within=20,
            )
            await asyncio.sleep(2)  # time for a duplicate to show up, were there one

    removes = [r for r in sim.simulator.requests if r.action == "RemoveUser"]
    assert len(removes) == 1
    watch_replies = [p for p in fake.posts(CHANNEL) if "Watching" in " ".join(p.texts())]
    assert len(watch_replies) == 1
    feed = [
        c
        for c in fake.of("chat.postMessage") + fake.of("chat.update")
        if "newcomer" in " ".join(c.texts())
    ]
    assert len([c for c in feed if c.method == "chat.postMessage"]) == 1
