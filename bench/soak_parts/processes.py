"""The bot replicas: `trtc-chatops run` processes, started, killed and restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.console.personas import sample_policy_path
from soak_parts.accounts import (
    ACCOUNT_RATE_LIMIT,
    APP,
    APPROVALS,
    CALLBACK_KEY,
    SECRET_ID,
    SECRET_KEY,
)
from tests.slack.conftest import SIGNING_SECRET

NAMES = "ABCDEFGH"
# TRTC's 20 calls/s per action is per account: the replicas pace on counters shared
# through PostgreSQL, so each is given the whole account's rate (not 20/N).
RATE_LIMIT = ACCOUNT_RATE_LIMIT


class ReplicaDown(Exception):
    """A replica exited or did not answer /healthz in time."""


@dataclass
class Replica:
    """`trtc-chatops run` in HTTP mode on a fixed port; stderr to ``log``."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    spent_s: float = 0.0  # CPU seconds of processes of this replica that were killed

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"---- start {time.strftime('%H:%M:%S')}\n".encode())
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.log.parent,  # no stray .env
                env={**self.env, "PORT": str(self.port)},
                stdout=subprocess.DEVNULL,
                stderr=out,  # a file: a full pipe would stall the bot
            )

    def kill(self) -> None:
        assert self.proc is not None
        self.spent_s += self.cpu_s()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def cpu_s(self) -> float:
        """CPU seconds (user + system) of the running process; 0 when not on Linux."""
        if self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            await asyncio.to_thread(self.proc.wait, 30)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    async def healthy(self, http: aiohttp.ClientSession, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ReplicaDown(
                    f"replica {self.name} exited {self.proc.returncode}; see {self.log}"
                )
            try:
                async with http.get(self.url + "/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise ReplicaDown(f"replica {self.name} did not start; see {self.log}")


def replicas(
    fake_url: str, sim_url: str, database_url: str, folder: Path, count: int = 2
) -> list[Replica]:
    """Replicas A, B… (not started), each on a free port, logging into ``folder``."""
    env = replica_env(fake_url, sim_url, database_url)
    return [Replica(n, free_port(), env, folder / f"replica-{n}.log") for n in NAMES[:count]]


def replica_env(fake_url: str, sim_url: str, database_url: str) -> dict[str, str]:
    kept = ("SLACK_", "TRTC_", "TENCENT", "DATABASE_URL", "PORT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(kept)}
    env.update(
        SLACK_BOT_TOKEN="xoxb-soak",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_url + "/api/",
        TENCENTCLOUD_SECRET_ID=SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
        TRTC_ENDPOINT=sim_url,
        TRTC_SDK_APP_ID=str(APP),
        TRTC_CALLBACK_KEY=CALLBACK_KEY,
        TRTC_TIMEOUT_S="3",
        TRTC_RATE_LIMIT=f"{RATE_LIMIT:g}",
        TRTC_CHATOPS_POLICY_FILE=str(sample_policy_path()),
        TRTC_CHATOPS_APPROVALS_CHANNEL=APPROVALS,
        DATABASE_URL=database_url,
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
