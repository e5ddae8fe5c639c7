"""Slack ack latency under load: 200 concurrent signed `/trtc users <room>` in HTTP mode.

Four processes on loopback: the bot as deployed (`trtc-chatops run`, HTTP
mode, configured by environment, SQLite file), the TRTC simulator adding
LATENCY ms to every call, a load generator, and this one serving the fake
Slack Web API (the tests') and counting what the bot posts. All requests are
fired at once; the figures are the time each took to be acknowledged, as the
load generator saw it (Slack's limit is 3,000 ms), and the time until every
result was posted in its thread. Posts are paced at the production rate (1 per
second per channel), so the requests are spread over CHANNELS channels.
The commands come from USERS on-call people (one each by default): the bot
runs at most two of one person's commands at a time (``bot.slack.tasks``), so
200 from one person would take 100 × 2 TRTC round trips to answer.
Baseline, same run, same server, same connections: 200 concurrent
`GET /healthz`, the floor of the HTTP stack and the load generator here.

    .venv/bin/python bench/ack_latency.py [--requests 200] [--channels 50] [--users 200]
        [--latency-ms 2000] [--trtc-rate-limit 20] [--database URL]

``--database`` names an EMPTY database for the bot (default: a new SQLite file), e.g.
PostgreSQL, where the inbox is written by asyncpg on the event loop itself.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bot.console.personas import sample_policy_path

# The fake Slack Web API is the tests' (tests/ is not installed): import it from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from simulator_process import free_port, start_simulator

from tests.support.fake_slack import FakeSlack, serve_fake_slack

SECRET_ID = "AKIDbenchmark000000000000000000000"
SECRET_KEY = "bench-secret-key-0000000000000000"
SIGNING_SECRET = "bench-signing-secret-000000000000"
ONCALL = "U0ONCALL"
DEADLINE_S = 180.0  # the whole run stops by itself after this


def _signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + digest,
    }


def _person(n: int) -> str:
    return ONCALL if n == 0 else f"U0ONCALL{n:04d}"


def _slash(n: int, channel: str, fake_url: str, user: str = ONCALL) -> bytes:
    form = {
        "team_id": "T0TEAM",
        "channel_id": channel,
        "user_id": user,
        "command": "/trtc",
        "text": "users 1234",
        "api_app_id": "A0TRTC",
        "response_url": f"{fake_url}/response/{n}",
        "trigger_id": f"{n}.trigger",
    }
    return urlencode(form).encode()


def _cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _timed(http: aiohttp.ClientSession, method: str, url: str, **kw: object) -> float:
    start = time.perf_counter()
    async with http.request(method, url, **kw) as response:  # type: ignore[arg-type]
        await response.read()
        if response.status != 200:
            raise SystemExit(f"{method} {url} answered {response.status}")
    return (time.perf_counter() - start) * 1e3


def start_bot(
    port: int, sim_port: int, fake_url: str, rate_limit: float, database: str | None = None
) -> subprocess.Popen[bytes]:
    """The bot as deployed: `trtc-chatops` in HTTP mode, configured by environment only."""
    folder = Path(tempfile.mkdtemp(prefix="trtc-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TRTC_", "TENCENT"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_url + "/api/",
        PORT=str(port),
        TENCENTCLOUD_SECRET_ID=SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
        TRTC_ENDPOINT=f"http://127.0.0.1:{sim_port}",
        TRTC_SDK_APP_ID="1400000001",
        TRTC_RATE_LIMIT=str(rate_limit or 1e9),
        TRTC_CHATOPS_POLICY_FILE=str(sample_policy_path()),
        DATABASE_URL=database or f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=folder,  # no stray .env
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "bot.log").open("wb"),  # a file: a full pipe would stall the bot
    )


async def _wait_healthy(
    http: aiohttp.ClientSession, url: str, bot: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if bot.poll() is not None:
            raise SystemExit(f"the bot exited with {bot.returncode}; see trtc-bench-*/bot.log")
        try:
            async with http.get(url + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the bot did not start")


async def run(args: argparse.Namespace) -> None:
    sim_port, bot_port = free_port(), free_port()
    sim, _ = start_simulator(
        SECRET_ID, SECRET_KEY, "--latency-ms", str(args.latency_ms), "--rate-limit", "0",
        "--seed", "0", port=sim_port,
    )  # fmt: skip
    people = [ONCALL] + [_person(n) for n in range(1, args.users)]
    fake = FakeSlack(usergroups={"S0ONCALL": people, "S0LEADS": []})
    bot: subprocess.Popen[bytes] | None = None
    try:
        async with serve_fake_slack(fake), aiohttp.ClientSession() as http:
            bot = start_bot(bot_port, sim_port, fake.url, args.trtc_rate_limit, args.database)
            url = f"http://127.0.0.1:{bot_port}"
            await _wait_healthy(http, url, bot)
            await _measure(args, url, fake, bot.pid)
    finally:
        for proc in (bot, sim):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


async def _load(
    url: str, fake_url: str, requests: int, channels: int, users: int
) -> dict[str, object]:
    """The child process: baseline, then the burst; latencies as JSON on stdout."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as load:
        # Open the connections first (as Slack's would be), then measure the baseline.
        await asyncio.gather(*(_timed(load, "GET", url + "/healthz") for _ in range(requests)))
        baseline = await asyncio.gather(
            *(_timed(load, "GET", url + "/healthz") for _ in range(requests))
        )
        print("baseline done", flush=True)  # the parent reads the bot's CPU time
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await asyncio.sleep(0.5)
        bodies = [
            _slash(n, f"C0BENCH{n % channels:03d}", fake_url, _person(n % users))
            for n in range(1, requests + 1)
        ]
        started = time.time()
        t0 = time.perf_counter()
        acks = await asyncio.gather(
            *(
                _timed(load, "POST", url + "/slack/events", data=b, headers=_signed(b))
                for b in bodies
            )
        )
        return {
            "baseline": baseline,
            "acks": acks,
            "acked_all_ms": (time.perf_counter() - t0) * 1e3,
            "started": started,
        }


async def _measure(args: argparse.Namespace, url: str, fake: FakeSlack, bot_pid: int) -> None:
    async with aiohttp.ClientSession() as http:
        # Warm-up: Bolt's auth.test, the usergroup cache, the database, one TRTC round trip.
        warm = _slash(0, "C0WARM", fake.url)
        await _timed(http, "POST", url + "/slack/events", data=warm, headers=_signed(warm))
    await fake.wait_for(lambda: any(p.args.get("thread_ts") for p in fake.posts()), within=60)
    await asyncio.sleep(1.5)
    already = len([p for p in fake.posts() if p.args.get("thread_ts")])
    bot_cpu = [_cpu_seconds(bot_pid)]
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--load",
        url,
        fake.url,
        "--requests",
        str(args.requests),
        "--channels",
        str(args.channels),
        "--users",
        str(args.users),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stdin is not None
    await asyncio.wait_for(child.stdout.readline(), timeout=DEADLINE_S)
    bot_cpu.append(_cpu_seconds(bot_pid))
    child.stdin.write(b"go\n")
    out, _ = await asyncio.wait_for(child.communicate(), timeout=DEADLINE_S)
    bot_cpu.append(_cpu_seconds(bot_pid))
    result = json.loads(out)

    def replies() -> int:
        return len([p for p in fake.posts() if p.args.get("thread_ts")]) - already

    await fake.wait_for(
        lambda: replies() >= args.requests, within=DEADLINE_S, what="every thread reply"
    )
    all_replied = time.time() - result["started"]
    baseline, acks = result["baseline"], result["acks"]
    per_channel = -(-args.requests // args.channels)
    print(f"requests: {args.requests} concurrent signed `/trtc users 1234` (HTTP mode, loopback)")
    print(f"channels: {args.channels} ({per_channel} commands each; posts paced 1/s per channel)")
    print(f"people: {args.users} in the on-call usergroup (at most 2 commands each run at once)")
    print(
        f"processes: bot (`trtc-chatops run`), TRTC simulator (+{args.latency_ms:.0f} ms per "
        "call), load generator, fake Slack Web API (this one)"
    )
    print(
        f"TRTC client rate limit: {args.trtc_rate_limit or 'off'} req/s "
        "(each `users` makes 2 sequential calls)"
    )
    print(f"database: {(args.database or 'sqlite').split(':')[0]}")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    print(f"{'':28}{'p50':>10}{'p99':>10}{'max':>10}")
    b50, b99 = statistics.median(baseline), _pct(baseline, 0.99)
    a50, a99 = statistics.median(acks), _pct(acks, 0.99)
    print(f"{'baseline GET /healthz (ms)':28}{b50:>10.1f}{b99:>10.1f}{max(baseline):>10.1f}")
    print(f"{'slash command ack (ms)':28}{a50:>10.1f}{a99:>10.1f}{max(acks):>10.1f}")
    print(f"{'ack / baseline':28}{a50 / b50:>10.2f}{a99 / b99:>10.2f}")
    print()
    health_cpu = (bot_cpu[1] - bot_cpu[0]) / (2 * args.requests) * 1e3
    ack_cpu = (bot_cpu[2] - bot_cpu[1]) / args.requests * 1e3
    print(
        f"bot CPU per request (ms): GET /healthz {health_cpu:.2f}, slash command ack "
        f"{ack_cpu:.2f} ({ack_cpu / health_cpu:.1f}x; on a busy machine the steadier figure)"
    )
    print(f"all {args.requests} acked after {result['acked_all_ms']:.0f} ms")
    print(f"acks over Slack's 3,000 ms limit: {sum(a > 3000 for a in acks)}")
    print(f"every thread reply posted after {all_replied:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--users", type=int, default=200, help="on-call people sending them")
    parser.add_argument("--latency-ms", type=float, default=2000.0)
    parser.add_argument("--trtc-rate-limit", type=float, default=20.0, help="0: off")
    parser.add_argument("--database", metavar="URL", help="an EMPTY database for the bot")
    parser.add_argument("--load", nargs=2, metavar=("BOT_URL", "FAKE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:  # the load-generator child
        result = asyncio.run(_load(*args.load, args.requests, args.channels, args.users))
        print(json.dumps(result))
        return
    asyncio.run(asyncio.wait_for(run(args), timeout=DEADLINE_S + 60))


if __name__ == "__main__":
    main()
