"""`trtc-chatops callbacks --port P`: a real process storing verified callbacks for the bot."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.callbacks import sign
from bot.cli import main
from bot.store import Store
from tests.callbacks.conftest import APP, KEY, body

pytestmark = pytest.mark.slow

_RUN = "from bot.cli import main; raise SystemExit(main())"


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TRTC_"))}
    return {**keep, **extra}


async def test_standalone_receiver_stores_verified_callbacks(tmp_path: Path) -> None:
    """The process prints its URL, answers a signed callback 200 and a forged one 401, stores
    the good one in DATABASE_URL, and exits 0 on SIGTERM."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _RUN, "callbacks", "--port", "0", "--host", "127.0.0.1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=_env(TRTC_CALLBACK_KEY=KEY, DATABASE_URL=database),
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line.startswith("TRTC callback receiver listening on http://127.0.0.1:")
        url = line.split(" on ", 1)[1].strip()
        data = body(104, "alice", Reason=3)
        async with aiohttp.ClientSession() as http:
            good = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
            async with http.post(url, data=data, headers=good) as response:
                assert response.status == 200
            forged = {"Sign": sign(data, "notTheKey"), "SdkAppId": str(APP)}
            async with http.post(url, data=data, headers=forged) as response:
                assert response.status == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    store = await Store.open(database)
    try:
        counts = await store.callbacks.counts()
        assert (counts.new, counts.taken) == (1, 0)  # waiting for the bot's relay
    finally:
        await store.close()


def test_refuses_to_start_without_a_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without TRTC_CALLBACK_KEY the receiver does not start (exit 2), saying why."""
    monkeypatch.delenv("TRTC_CALLBACK_KEY", raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    assert main(["callbacks", "--port", "0"]) == 2
    assert "TRTC_CALLBACK_KEY is not set" in capsys.readouterr().err
