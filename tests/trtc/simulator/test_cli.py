"""`trtc-chatops simulator`: a real process on 127.0.0.1, driven through the official SDK."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from tencentcloud.common import credential
from tencentcloud.common.common_client_async import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from bot.cli import main

pytestmark = pytest.mark.slow

APP = 1400000001
_RUN = "from bot.cli import main; raise SystemExit(main())"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENCENTCLOUD_")}
    return {**env, **extra}


@asynccontextmanager
async def _simulator(*args: str, env: dict[str, str]) -> AsyncIterator[dict[str, str]]:
    """Start the CLI, yield its KEY=VALUE lines once it is ready, then SIGTERM it."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _RUN, "simulator", "--port", "0", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    printed: dict[str, str] = {"_text": ""}
    try:
        while "Press Ctrl-C" not in printed["_text"]:
            line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
            assert line, f"simulator exited early: {printed['_text']}"
            printed["_text"] += line
            key, sep, value = line.strip().partition("=")
            if sep and " " not in key:
                printed[key] = value
        yield printed
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0


async def _scale(url: str, secret_id: str, secret_key: str) -> dict[str, object]:
    http = HttpProfile(protocol="http", endpoint=url.removeprefix("http://"))
    cred = credential.Credential(secret_id, secret_key)
    now = int(time.time())
    params = {"SdkAppId": APP, "StartTime": now - 86400, "EndTime": now}
    async with CommonClient(
        "trtc", "2019-07-22", cred, "ap-guangzhou", ClientProfile(httpProfile=http)
    ) as client:
        out: dict[str, object] = await client.call_and_deserialize("DescribeScaleInfo", params)
    return out


async def test_serves_with_given_credentials_and_scenario(tmp_path: Path) -> None:
    """Given credentials are verified; the URL is printed, the key is not; SIGTERM exits 0."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("rooms: [{room: 777, users: [kim]}]\n")
    args = ("--secret-id", "AKIDcli", "--secret-key", "cli-key-42", "--seed", "5",
            "--scenario", str(scenario), "--rate-limit", "0", "--latency-ms", "1",
            "--edition", "standard", "--history-lag", "5")  # fmt: skip
    async with _simulator(*args, env=_env()) as printed:
        url = printed["TRTC_ENDPOINT"]
        assert "Monitoring edition Basic/Standard (基础版); history lags by 5 s" in printed["_text"]
        assert url.startswith("http://127.0.0.1:")
        assert "cli-key-42" not in printed["_text"]
        assert "AKIDcli" in printed["_text"]
        out = await _scale(url, "AKIDcli", "cli-key-42")
        assert "ScaleList" in out["Response"]  # type: ignore[operator]


async def test_generates_and_prints_a_pair_without_credentials() -> None:
    """With no credentials anywhere it makes a pair, prints it, and verifies against it."""
    async with _simulator(env=_env()) as printed:
        secret_id = printed["TENCENTCLOUD_SECRET_ID"]
        secret_key = printed["TENCENTCLOUD_SECRET_KEY"]
        assert secret_id.startswith("AKID")
        assert len(secret_key) == 32
        await _scale(printed["TRTC_ENDPOINT"], secret_id, secret_key)


async def test_uses_environment_credentials_without_printing_the_key() -> None:
    """TENCENTCLOUD_SECRET_ID/KEY from the environment are used; the key is never shown."""
    env = _env(TENCENTCLOUD_SECRET_ID="AKIDenv", TENCENTCLOUD_SECRET_KEY="env-key-77")
    async with _simulator(env=env) as printed:
        assert "env-key-77" not in printed["_text"]
        assert "TENCENTCLOUD_SECRET_KEY" not in printed
        await _scale(printed["TRTC_ENDPOINT"], "AKIDenv", "env-key-77")


async def test_serves_one_site_and_says_so() -> None:
    """--site mainland refuses SetUserBlocked as the mainland does; the bot is told the site
    and the rate-limit scope, which a URL endpoint cannot say."""
    env = _env(TENCENTCLOUD_SECRET_ID="AKIDsite", TENCENTCLOUD_SECRET_KEY="site-key-1")
    args = ("--site", "mainland", "--rate-limit-scope", "sdkappid")
    async with _simulator(*args, env=env) as printed:
        assert (printed["TRTC_SITE"], printed["TRTC_RATE_LIMIT_SCOPE"]) == ("mainland", "sdkappid")
        http = HttpProfile(protocol="http", endpoint=printed["TRTC_ENDPOINT"][len("http://") :])
        cred = credential.Credential("AKIDsite", "site-key-1")
        block = {"SdkAppId": APP, "RoomId": 1234, "UserId": "bob", "IsMute": 1}
        async with CommonClient(
            "trtc", "2019-07-22", cred, "ap-guangzhou", ClientProfile(httpProfile=http)
        ) as client:
            with pytest.raises(TencentCloudSDKException) as refused:
                await client.call_and_deserialize("SetUserBlocked", block)
        assert refused.value.get_code() == "InvalidAction"


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists every option and says how callbacks are signed."""
    with pytest.raises(SystemExit) as exit_:
        main(["simulator", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--port", "--secret-id", "--secret-key", "--latency-ms", "--rate-limit",
                   "--seed", "--scenario", "--callback-url", "--callback-key",
                   "--edition", "--history-lag", "--site", "--rate-limit-scope"):  # fmt: skip
        assert option in text
    assert "HMAC-SHA256" in text


def test_refuses_an_unknown_edition(capsys: pytest.CaptureFixture[str]) -> None:
    """--edition takes the documented packages only; anything else is a usage error."""
    with pytest.raises(SystemExit) as exit_:
        main(["simulator", "--edition", "gold"])
    assert exit_.value.code == 2
    assert "unknown monitoring edition 'gold'" in capsys.readouterr().err


def test_refuses_half_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    """--secret-id without --secret-key is a usage error (exit 2)."""
    assert main(["simulator", "--secret-id", "AKIDx"]) == 2
    assert "both --secret-id and --secret-key" in capsys.readouterr().err


def test_refuses_an_invalid_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid scenario file exits 2 naming the file and the field, before listening."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("rooms: [{room: 1, users: [a], script: [{kind: exit, user: b, at_minute: 1}]}]")
    assert main(["simulator", "--scenario", str(bad), "--secret-id", "a", "--secret-key", "b"]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "user 'b' is not in this room" in err
