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
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.callbacks import sign as sign_callback
from bot.console.personas import sample_policy_path
from bot.store import Store
from bot.store.replicas import DEAD_AFTER_S
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from tests.slack.conftest import CHANNEL, ONCALL, SIGNING_SECRET, SlackPeer, button, message
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.processes import free_port, wait_healthy

pytestmark = [pytest.mark.storage, pytest.mark.slow]

CALLBACK_KEY = "replicakey42"


@dataclass
class Replica:
    url: str
    process: asyncio.subprocess.Process

    def kill(self) -> None:
        """SIGKILL: no grace, no clean-up, as a crash or an OOM kill."""
        self.process.kill()


@asynccontextmanager
async def replica(env: dict[str, str], cwd: Path) -> AsyncIterator[Replica]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env={**env, "PORT": str(port)},
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(cwd / f"replica-{port}.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(url)
        yield Replica(url, proc)
    finally:
        if proc.returncode is None:
            proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)


@asynccontextmanager
async def two_replicas(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[FakeSlack, RunningSimulator, Replica, Replica, aiohttp.ClientSession]]:
    """The simulator, a fake Slack and two `trtc-chatops run` processes on one database."""
    fake = FakeSlack(usergroups={"S0ONCALL": [ONCALL]})
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None)
    async with serve_simulator(config) as sim, serve_fake_slack(fake):
        env = replica_env(fake, sim, database_url)
        async with (
            replica(env, tmp_path) as first,
            replica(env, tmp_path) as second,
            aiohttp.ClientSession() as http,
        ):
            yield fake, sim, first, second, http


def replica_env(fake: FakeSlack, sim: RunningSimulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRTC_"))}
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
    return env


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
    async with two_replicas(database_url, tmp_path) as (fake, sim, replica_a, replica_b, http):
        url_a, url_b = replica_a.url, replica_b.url
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


async def test_work_acknowledged_by_a_killed_replica_is_done_by_the_other(
    database_url: str, tmp_path: Path
) -> None:
    """A replica acknowledges `/trtc kick` and is SIGKILLed before answering: the other
    replica takes the delivery over once its heartbeat lapses and answers it, once."""
    async with two_replicas(database_url, tmp_path) as (fake, _, doomed, survivor, http):
        fake.hold_next("usergroups.users.list", 120)  # the doomed replica's work stalls
        status, _ = await SlackPeer(doomed.url, fake, http).slash(ONCALL, "kick 1234 alice")
        assert status == 200  # acknowledged: Slack will never send it again
        await fake.wait_for(lambda: fake.of("usergroups.users.list!held"), what="stall")
        doomed.kill()
        [reply] = await fake.wait_for(
            lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")],
            what="the confirmation, from the survivor",
            within=DEAD_AFTER_S + 20,
        )
        assert "Confirm" in " ".join(reply.texts())
        await asyncio.sleep(3)  # time for a duplicate to show up, were there one
        assert survivor.process.returncode is None
    confirmations = [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")]
    assert len(confirmations) == 1
    store = await Store.open(database_url)
    try:
        [record] = await store.audit.recent(10)
        assert (record.outcome, record.command) == ("awaiting_confirm", "kick")
        assert record.delivery is not None and record.delivery.startswith("command:")
    finally:
        await store.close()
