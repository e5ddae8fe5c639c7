"""SIGTERM during a deploy: the acknowledged command still finishes, then the bot exits."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.console.personas import sample_policy_path
from bot.trtc.simulator import SimulatorConfig, serve_simulator
from tests.slack.conftest import ONCALL, SIGNING_SECRET, SlackPeer
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.processes import free_port, wait_healthy

pytestmark = pytest.mark.slow


async def test_sigterm_finishes_work_in_flight(tmp_path: Path) -> None:
    """A command acknowledged before SIGTERM gets its thread reply; the process exits 0."""
    fake = FakeSlack(usergroups={"S0ONCALL": [ONCALL]})
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, latency_ms=1500
    )
    port = free_port()
    async with serve_simulator(config) as sim, serve_fake_slack(fake):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRTC_"))}
        env.update(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.url + "/api/",
            PORT=str(port),
            TENCENTCLOUD_SECRET_ID=SECRET_ID,
            TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
            TRTC_ENDPOINT=sim.url,
            TRTC_SDK_APP_ID="1400000001",
            TRTC_CHATOPS_POLICY_FILE=str(sample_policy_path()),
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            await wait_healthy(url)
            async with aiohttp.ClientSession() as http:
                peer = SlackPeer(url, fake, http)
                status, _ = await peer.slash(ONCALL, "users 1234")
                assert status == 200
                bot.send_signal(signal.SIGTERM)  # the reply needs ~3 s of TRTC time yet
                assert await asyncio.wait_for(bot.wait(), 30) == 0
        finally:
            if bot.returncode is None:
                bot.kill()
    replies = [c for c in fake.of("chat.postMessage") if c.args.get("thread_ts")]
    assert any("alice" in " ".join(c.texts()) for c in replies)
