"""Start-up: Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET + PORT,
and no start at all without a readable policy file (fail closed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp
import pytest

from bot.app.slack_mode import run_slack
from bot.cli.run import run_slack as cli_run_slack
from bot.console.personas import sample_policy_path
from bot.settings import Settings, SlackMode
from tests.slack.conftest import CHANNEL, ONCALL, SIGNING_SECRET, SlackPeer, World
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.processes import free_port


def _settings(fake: FakeSlack, tmp_path: Path, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_api_url=fake.url + "/api/",
        trtc_chatops_policy_file=sample_policy_path(),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'run.sqlite3'}",
        **extra,
    )


@contextlib.asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(run_slack(settings))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_socket_mode_starts_when_app_token_is_set(tmp_path: Path) -> None:
    """With SLACK_APP_TOKEN the bot opens a Socket Mode connection (apps.connections.open with
    the app token, then the WebSocket), acks a slash-command envelope and answers it."""
    fake = FakeSlack(usergroups={"S0ONCALL": [ONCALL], "S0LEADS": []})
    async with serve_fake_slack(fake):
        settings = _settings(fake, tmp_path, slack_app_token="xapp-1-test")
        assert settings.slack_mode is SlackMode.SOCKET
        async with _running(settings):
            [opened] = await fake.wait_for(lambda: fake.of("apps.connections.open"))
            assert opened.token == "xapp-1-test"
            peer = SlackPeer("", fake, None)  # type: ignore[arg-type]
            payload = dict(parse_qsl(peer.slash_body(ONCALL, "users 1234").decode()))
            await fake.send_envelope(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": payload,
                }
            )
            [ack] = await fake.wait_for(lambda: fake.acks, what="the envelope ack")
            assert ack["envelope_id"] == "env-1"
            assert not ack.get("payload"), ack  # empty: the parent is the one answer
            await fake.wait_for(
                lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")],
                what="the thread reply",
            )
            assert all(c.token == "xoxb-test-token" for c in fake.posts())


async def test_http_mode_serves_events_and_healthz(tmp_path: Path) -> None:
    """With SLACK_SIGNING_SECRET and PORT the bot serves /slack/events and /healthz."""
    fake = FakeSlack(usergroups={"S0ONCALL": [ONCALL], "S0LEADS": []})
    port = free_port()
    async with serve_fake_slack(fake), aiohttp.ClientSession() as http:
        settings = _settings(fake, tmp_path, slack_signing_secret=SIGNING_SECRET, port=port)
        assert settings.slack_mode is SlackMode.HTTP
        async with _running(settings):
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(url + "/healthz") as r:
                        if r.status == 200:
                            break
                await asyncio.sleep(0.05)
            status, _ = await SlackPeer(url, fake, http).slash(ONCALL, "whoami")
            assert status == 200
            await fake.wait_for(
                lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")],
                what="the thread reply",
            )


@pytest.mark.parametrize("policy", [None, "missing.yaml"])
def test_slack_mode_without_a_policy_file_does_not_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], policy: str | None
) -> None:
    """No TRTC_CHATOPS_POLICY_FILE, or one that is not there: exit 2, naming the variable."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-1-test",
        slack_api_url="http://127.0.0.1:9/api/",
        trtc_chatops_policy_file=tmp_path / policy if policy else None,
    )
    assert cli_run_slack(settings) == 2
    err = capsys.readouterr().err
    assert "TRTC_CHATOPS_POLICY_FILE" in err
    assert "not starting" in err


def test_slack_mode_with_a_broken_policy_does_not_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A policy file that does not parse stops start-up with the precise error."""
    broken = tmp_path / "policy.yaml"
    broken.write_text(
        'account_uin: "100000000001"\n'
        "policies:\n  p:\n    version: '2.0'\n    statement:\n"
        "      - {effect: allow, action: ['trtc:Describe*'], resuorce: '*'}\n"
        "attach: {}\n"
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-1-test",
        slack_api_url="http://127.0.0.1:9/api/",
        trtc_chatops_policy_file=broken,
    )
    assert cli_run_slack(settings) == 2
    err = capsys.readouterr().err
    assert "policy refused, not starting" in err
    assert "resuorce" in err


async def test_readyz_and_metrics(world: World) -> None:
    """/readyz checks the database and Slack's auth.test; /metrics counts commands."""
    status, _ = await world.slack.slash("U0ONCALL", "users 1234")
    assert status == 200
    await world.bot.adapter.drain()
    async with aiohttp.ClientSession() as http:
        async with http.get(world.slack.url + "/readyz") as resp:
            assert resp.status == 200
            assert await resp.json() == {"ok": True, "database": True, "slack": True}
        async with http.get(world.slack.url + "/metrics") as resp:
            text = await resp.text()
    assert 'trtc_chatops_commands_total{command="users",decision="allow",outcome="ok"}' in text
    assert 'trtc_chatops_slack_calls_total{method="chat.postMessage",result="ok"}' in text
    assert 'trtc_chatops_trtc_calls_total{action="DescribeRoomInfo",code="ok"}' in text
    assert 'trtc_chatops_trtc_call_seconds_count{action="DescribeUserInfo"}' in text


async def test_socket_mode_with_port_serves_health_and_metrics(tmp_path: Path) -> None:
    """Socket Mode takes events over the socket; with PORT it still answers the
    platform's /healthz, /readyz and /metrics there (and takes no /slack/events)."""
    fake = FakeSlack(usergroups={"S0ONCALL": [ONCALL], "S0LEADS": []})
    port = free_port()
    async with serve_fake_slack(fake), aiohttp.ClientSession() as http:
        settings = _settings(fake, tmp_path, slack_app_token="xapp-1-test", port=port)
        assert settings.slack_mode is SlackMode.SOCKET
        async with _running(settings):
            await fake.wait_for(lambda: fake.of("apps.connections.open"))
            url = f"http://127.0.0.1:{port}"
            status = 0
            for _ in range(100):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(url + "/healthz") as r:
                        status = r.status
                        if status == 200:
                            break
                await asyncio.sleep(0.05)
            assert status == 200
            async with http.get(url + "/readyz") as r:
                assert r.status == 200 and (await r.json())["ok"] is True
            async with http.get(url + "/metrics") as r:
                assert r.status == 200 and "trtc_chatops" in await r.text()
            async with http.post(url + "/slack/events", data=b"{}") as r:
                assert r.status in (404, 405)


@pytest.mark.parametrize(
    ("mode", "extra", "said"),
    [
        ("http", {"slack_app_token": "xapp-1"}, "--mode http needs SLACK_SIGNING_SECRET, PORT"),
        ("socket", {"slack_signing_secret": "s", "port": 3000}, "--mode socket needs SLACK_APP"),
    ],
)
def test_procfile_shapes_refuse_what_they_lack(
    mode: str, extra: dict[str, object], said: str
) -> None:
    """web (--mode http) and worker (--mode socket) from one configuration."""
    from bot.cli.run import shaped

    settings = Settings(_env_file=None, slack_bot_token="xoxb-1", **extra)  # type: ignore[call-arg]
    assert said in str(shaped(settings, mode))
    full = settings.model_copy(
        update={"slack_app_token": "xapp-1", "slack_signing_secret": "s", "port": 3000}
    )
    chosen = shaped(full, mode)
    assert isinstance(chosen, Settings) and chosen.slack_mode.value == mode
    procfile = (Path(__file__).resolve().parents[2] / "Procfile").read_text()
    assert f"trtc-chatops run --mode {mode}" in procfile
