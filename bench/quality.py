"""`quality` on a large room: wall time against the floor the rate limit sets, and peak RSS.

The simulator runs in its own process on 127.0.0.1 (``trtc-chatops simulator``)
with 100 ms latency and TRTC's 20 requests/s per action enforced, serving a
scenario written here: a town hall of N users, 60 minutes old (4 speakers
publish, the rest listen; two of them lose packets and one drops out, so every
kind of query is made). Each measured run is a fresh child process that builds
the bot's core and runs ``quality <room> --since 60m`` as the on-call persona;
it counts the HTTP requests it sends (retries included) and reports its own
peak RSS (``ru_maxrss``). The floor is the calls needed ÷ 20/s. A second run of
the same room against an unpaced simulator (no latency, no limit) shows how much
of the wall time is computation the pacing cannot hide.

    .venv/bin/python bench/quality.py [--users 300] [--big 1000] [--minutes 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from simulator_process import start_simulator

SECRET_ID = "AKIDbenchmarkquality00000000000000"
SECRET_KEY = "bench-quality-secret-key-00000000"
RATE = 20
SPEAKERS = 4
TIMEOUT_S = 900  # a child that takes longer than this is stopped: the bench is bounded


def scenario(sizes: list[int], minutes: int) -> dict[str, Any]:
    rooms = []
    for size in sizes:
        users: list[dict[str, Any]] = [{"id": f"speaker_{n}"} for n in range(SPEAKERS)]
        users += [{"id": f"u{n:04d}", "publishes": False} for n in range(size - SPEAKERS)]
        rooms.append(
            {
                "room": 90000 + size,
                "started_minutes_ago": minutes + 1,
                "users": users,
                "script": [
                    {"kind": "loss", "user": "speaker_1", "percent": 15, "from_minute": 10,
                     "to_minute": 14},
                    {"kind": "loss", "user": "u0007", "direction": "down", "percent": 12,
                     "from_minute": 30, "to_minute": 33},
                    {"kind": "exit", "user": "u0011", "at_minute": 40, "reason": "timeout"},
                ],
            }
        )  # fmt: skip
    return {"include_defaults": False, "rooms": rooms}


def simulator(scenario_file: Path, *, latency_ms: float, rate: int) -> tuple[Any, str]:
    return start_simulator(
        SECRET_ID, SECRET_KEY, "--latency-ms", str(latency_ms), "--rate-limit", str(rate),
        "--scenario", str(scenario_file), wait_s=60,
    )  # fmt: skip


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 when not on Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, room: int, minutes: int, rate: int | None, server: Any) -> dict[str, Any]:
    """One fresh child process: run the command once, return its figures (with the CPU
    the simulator spent meanwhile)."""
    before = cpu_s(server.pid)
    command = [sys.executable, __file__, "--child", url, str(room), str(minutes), str(rate or 0)]
    done = subprocess.run(  # noqa: S603 (this script, fixed arguments)
        command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["simulator_cpu_s"] = cpu_s(server.pid) - before
    return result


# -- the child: the bot's core against the simulator ----------------------------------------


async def child(url: str, room: int, minutes: int, rate: int) -> dict[str, Any]:
    from bot import runtime
    from bot.app import create_core
    from bot.authz import PolicyReloader
    from bot.console.personas import PERSONAS, sample_policy_path
    from bot.core.context import StaticDirectory
    from bot.core.invocation import Invocation, Origin
    from bot.quality import chart  # noqa: F401 (imported before the baseline is read)
    from bot.settings import Settings, TrtcMode
    from bot.store import Store
    from bot.trtc.client import TrtcClient

    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # A generous timeout: the simulator answers one request at a time (~4 MB of JSON
    # each), so a queued answer can wait seconds; a timeout would turn that into
    # retries, i.e. extra calls.
    client = TrtcClient.create(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        endpoint=url,
        rate_limit=rate or None,
        timeout_s=120,
    )
    sent: Counter[str] = Counter()
    attempt = client.transport._attempt  # count every HTTP request, retries included

    answered: list[float] = []  # when each answer was in (decoded), perf_counter

    async def counted(action: str, *rest: Any) -> dict[str, Any]:
        sent[action] += 1
        try:
            return await attempt(action, *rest)
        finally:
            answered.append(time.perf_counter())

    client.transport._attempt = counted  # type: ignore[method-assign]
    folder = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    store = await Store.open(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    reloader = PolicyReloader(sample_policy_path())
    persona = PERSONAS["oncall"]
    core = create_core(
        Settings(_env_file=None),  # type: ignore[call-arg]
        trtc=client,
        store=store,
        policies=lambda: reloader.current,
        directory=StaticDirectory({persona.user_id: persona.groups}),
        mode=TrtcMode.SIMULATOR,
    )
    runtime.settle()  # as `trtc-chatops run` does once started (bot/runtime.py)
    reports: list[str] = []

    async def progress(line: str) -> None:
        reports.append(line)

    used = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    reply = await core.handle(
        Invocation(
            actor=persona.user_id,
            channel="C0INCIDENT",
            text=f"quality {room} --since {minutes}m",
            origin=Origin.CONSOLE,
            usergroups=persona.groups,
            thread="bench",
        ),
        progress=progress,
    )
    ended = time.perf_counter()
    wall = ended - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    await client.close()
    await store.close()
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "calls": dict(sent),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "baseline_rss_kb": baseline_kb,
        "headline": reply.headline,
        "reports": len(reports),
        "png_bytes": sum(len(f.content) for f in reply.files),
        "last_answer_s": max(answered) - began,
    }


# -- the parent: figures -----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--big", type=int, default=1000, help="second size, for RSS")
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--child", nargs=4, metavar=("URL", "ROOM", "MINUTES", "RATE"))
    args = parser.parse_args()
    if args.child:
        url, room, minutes, rate = args.child
        print(json.dumps(asyncio.run(child(url, int(room), int(minutes), int(rate)))))
        return

    folder = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    scenario_file = folder / "townhall.json"
    scenario_file.write_text(json.dumps(scenario([args.users, args.big], args.minutes)))
    print(
        f"quality bench: a town hall ({SPEAKERS} speakers, the rest listening), "
        f"{args.minutes}-minute window; simulator in its own process"
    )
    paced, paced_url = simulator(scenario_file, latency_ms=args.latency_ms, rate=RATE)
    free, free_url = simulator(scenario_file, latency_ms=0, rate=0)
    try:
        rows = {}
        for size in (args.users, args.big):
            rows[size] = measure(paced_url, 90000 + size, args.minutes, RATE, paced)
        unpaced = measure(free_url, 90000 + args.users, args.minutes, None, free)
    finally:
        for proc in (paced, free):
            proc.terminate()
            proc.wait(timeout=10)

    for size, row in rows.items():
        calls = row["calls"]
        total = sum(calls.values())
        busiest = max(calls.values())
        floor = total / RATE
        print(f"\n{size:,} users, simulator latency {args.latency_ms:g} ms, {RATE} req/s enforced")
        print("  calls:  " + ", ".join(f"{a} {n}" for a, n in sorted(calls.items())))
        print(
            f"  floor:  {total} calls ÷ {RATE}/s = {floor:.2f} s "
            f"(the busiest action alone: {busiest} ÷ {RATE}/s = {busiest / RATE:.2f} s)"
        )
        print(
            f"  wall:   {row['wall_s']:.2f} s = {row['wall_s'] / floor:.2f}× the floor "
            "(goal ≤ 1.25×)"
        )
        print(
            f"  after the last answer: {row['wall_s'] - row['last_answer_s']:.2f} s "
            f"(analysis and chart; the last answer came at {row['last_answer_s']:.2f} s)"
        )
        print(
            f"  CPU:    the command {row['cpu_s']:.2f} s, "
            f"the simulator {row['simulator_cpu_s']:.2f} s ({os.cpu_count()} CPUs here)"
        )
        print(
            f"  peak RSS: {row['peak_rss_kb'] / 1024:.0f} MB "
            f"(after imports: {row['baseline_rss_kb'] / 1024:.0f} MB; "
            f"+{(row['peak_rss_kb'] - row['baseline_rss_kb']) / 1024:.0f} MB for the command)"
        )
        print(f"  progress reports: {row['reports']}; chart: {row['png_bytes']:,} bytes")
        print(f"  verdict: {row['headline']}")  # fmt: skip
    print(
        f"\n{args.users:,} users against an unpaced simulator (no latency, no limit): "
        f"{unpaced['wall_s']:.2f} s for {sum(unpaced['calls'].values())} calls — computation "
        "(the simulator making samples, the client parsing them) that pacing cannot hide; "
        f"CPU: the command {unpaced['cpu_s']:.2f} s, "
        f"the simulator {unpaced['simulator_cpu_s']:.2f} s"
    )


if __name__ == "__main__":
    main()
