"""The real Bolt app in HTTP mode on 127.0.0.1, a fake Slack Web API, the TRTC
simulator and a SQLite file; requests signed exactly as Slack signs them."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.app import create_core
from bot.authz import PolicyReloader
from bot.console.personas import sample_policy_path
from bot.core.dispatcher import Core
from bot.core.reply import Attachment, Reply, Severity, Table
from bot.core.spec import Args, CommandSpec
from bot.settings import Settings, TrtcMode
from bot.slack import SlackBot, SlackDirectory, create_slack_app, serve_http
from bot.slack.outbox import web_client
from bot.store import Store
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from commands import REGISTRY
from tests.support.clock import Clock
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.fake_slack import BOT_USER, TEAM, FakeSlack, serve_fake_slack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "C0INCIDENT"
APPROVALS = "C0APPROVALS"
ONCALL, LEAD, VIEWER = "U0ONCALL", "U0LEAD", "U0VIEWER"
USERGROUPS = {"S0ONCALL": [ONCALL], "S0LEADS": [LEAD]}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def _slow(ctx: Any, args: Args) -> Reply:
    for step in range(1, 9):
        await ctx.report(f"step {step} of 8")
        await asyncio.sleep(0.05)
    chart = Attachment("chart.png", PNG, "Quality chart")
    return Reply("Report ready", Severity.SUCCESS, files=(chart,))


async def _long(ctx: Any, args: Args) -> Reply:
    rows = tuple((str(i), "<!channel> " + "x" * 40) for i in range(3000))
    return Reply("3000 rows", tables=(Table(("Row", "Value"), rows),), lines=("end",) * 3)


# Test-only commands (no CAM action: nothing to authorize) for progress, files, long tables.
TEST_COMMANDS = (
    CommandSpec(name="slowreport", summary="a slow report", example="slowreport", run=_slow),
    CommandSpec(name="longtable", summary="a long table", example="longtable", run=_long),
)


def sign(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SlackPeer:
    """Plays Slack's part: signed slash commands, events and clicks to /slack/events."""

    url: str
    fake: FakeSlack
    session: aiohttp.ClientSession
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    last_headers: Mapping[str, str] = field(default_factory=dict)  # the last answer's

    async def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature: str | None = "sign",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        ts = timestamp if timestamp is not None else str(int(time.time()))
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, **(headers or {})}
        if signature == "sign":
            sent["X-Slack-Signature"] = sign(body, ts)
        elif signature is not None:
            sent["X-Slack-Signature"] = signature
        async with self.session.post(self.url + "/slack/events", data=body, headers=sent) as r:
            self.last_headers = r.headers.copy()  # names case-insensitive
            return r.status, await r.text()

    def slash_body(self, user: str, text: str, channel: str = CHANNEL) -> bytes:
        n = next(self._ids)
        form = {
            "token": "legacy-unused",
            "team_id": TEAM,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "incident",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/trtc",
            "text": text,
            "api_app_id": "A0TRTC",
            "is_enterprise_install": "false",
            "response_url": f"{self.fake.url}/response/{n}",
            "trigger_id": f"{n}.trigger",
        }
        return urlencode(form).encode()

    async def slash(self, user: str, text: str, channel: str = CHANNEL) -> tuple[int, str]:
        return await self.send(
            self.slash_body(user, text, channel), "application/x-www-form-urlencoded"
        )

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> bytes:
        payload = {
            "token": "legacy-unused",
            "team_id": TEAM,
            "api_app_id": "A0TRTC",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
        return json.dumps(payload).encode()

    def mention_event(
        self, user: str, text: str, *, channel: str = CHANNEL, thread_ts: str | None = None
    ) -> dict[str, Any]:
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER}> {text}",
            "ts": f"1699999{next(self._ids):03d}.000200",
            "channel": channel,
            "event_ts": "1699999999.000200",
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    async def event(self, body: bytes, *, retry: int | None = None) -> tuple[int, str]:
        headers = {}
        if retry:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.send(body, "application/json", headers=headers)

    def press_body(
        self,
        user: str,
        message: dict[str, Any],
        button: dict[str, Any],
        *,
        trigger: str | None = None,
    ) -> bytes:
        n = next(self._ids)
        blocks = message.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        container = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": message["channel"],
            "is_ephemeral": False,
        }
        if message.get("thread_ts"):
            container["thread_ts"] = message["thread_ts"]
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0TRTC",
            "token": "legacy-unused",
            "container": container,
            "trigger_id": trigger or f"{n}.trigger",
            "team": {"id": TEAM, "domain": "test"},
            "channel": {"id": message["channel"], "name": "incident"},
            "message": {
                "type": "message",
                "ts": message["ts"],
                "thread_ts": message.get("thread_ts"),
                "text": message.get("text", ""),
                "blocks": blocks,
            },
            "response_url": f"{self.fake.url}/response/{n}",
            "actions": [_action(button, n)],
        }
        return urlencode({"payload": json.dumps(payload)}).encode()

    def home_press_body(self, user: str, block_id: str, button: dict[str, Any]) -> bytes:
        n = next(self._ids)
        action = {**_action(button, n), "block_id": block_id}
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0TRTC",
            "token": "legacy-unused",
            "container": {"type": "view", "view_id": "V0HOME"},
            "trigger_id": f"{n}.trigger",
            "team": {"id": TEAM, "domain": "test"},
            "view": {"id": "V0HOME", "type": "home"},
            "actions": [action],
        }
        return urlencode({"payload": json.dumps(payload)}).encode()

    async def press(self, body: bytes) -> tuple[int, str]:
        return await self.send(body, "application/x-www-form-urlencoded")


def _action(button: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "action_id": button["action_id"],
        "block_id": "b",
        "text": button["text"],
        "value": button.get("value"),
        "type": "button",
        "action_ts": f"1700000000.{n:06d}",
    }


@dataclass
class World:
    fake: FakeSlack
    sim: RunningSimulator
    core: Core
    bot: SlackBot
    slack: SlackPeer
    clock: Clock
    store: Store

    def mutations(self) -> list[str]:
        """TRTC actions that change state, as the simulator received them."""
        return [
            r.action for r in self.sim.simulator.requests if not r.action.startswith("Describe")
        ]


@pytest.fixture
def policy_path() -> Path:
    """The policy file the bot runs with: the bundled sample, unless a module overrides it."""
    return sample_policy_path()


@pytest.fixture
async def world(tmp_path: Path, policy_path: Path) -> AsyncIterator[World]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=3, rate_limit=None)
    clock = Clock()
    fake = FakeSlack(usergroups={k: list(v) for k, v in USERGROUPS.items()})
    reloader = PolicyReloader(policy_path)
    async with (
        serve_simulator(config, host="127.0.0.1", port=0) as sim,
        serve_fake_slack(fake),
        aiohttp.ClientSession() as http,
    ):
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            slack_bot_token="xoxb-test-token",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.url + "/api/",
            trtc_chatops_approvals_channel=APPROVALS,
        )
        store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
        trtc = TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
        )
        client = web_client("xoxb-test-token", settings.slack_api_url, session=http)
        directory = SlackDirectory(
            client, lambda: reloader.current.policy_file.attach.usergroups, clock=clock
        )
        core = create_core(
            settings,
            trtc=trtc,
            store=store,
            policies=lambda: reloader.current,
            directory=directory,
            clock=clock,
            mode=TrtcMode.SIMULATOR,
            registry=(*REGISTRY, *TEST_COMMANDS),
        )
        bot = create_slack_app(
            settings,
            core,
            attachments=lambda: reloader.current.policy_file.attach,
            client=client,
            directory=directory,
            clock=clock,
            posts_per_second=50.0,
            burst=10,
            progress_interval=0.2,
        )
        try:
            async with serve_http(bot, host="127.0.0.1", port=0) as url:
                yield World(fake, sim, core, bot, SlackPeer(url, fake, http), clock, store)
                await bot.adapter.drain()
        finally:
            await trtc.close()
            await store.close()


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """The button labelled ``label`` in a message's blocks."""
    from tests.support.fake_slack import buttons

    found = [b for b in buttons(blocks) if b["text"]["text"] == label]
    assert found, f"no {label!r} button in {[b['text']['text'] for b in buttons(blocks)]}"
    return found[0]


def message(fake: FakeSlack, channel: str, ts: str) -> dict[str, Any]:
    """A message as the fake now holds it (after any chat.update), with its channel."""
    stored = dict(fake.messages[(channel, ts)])
    stored["channel"] = channel
    return stored
