"""One TRTC rate limit for the fleet: what a replica gets with a static split and shared.

Against the simulator enforcing TRTC's 20 requests/s (per action), on a throw-away
PostgreSQL database (on the server ``TRTC_CHATOPS_TEST_POSTGRES_URL`` names:
``eval "$(scripts/postgres.sh start)"``), runs of REPLICAS stores and TRTC clients
in this process:

* static: each replica paces alone at RATE/REPLICAS (the old advice: divide
  ``TRTC_RATE_LIMIT`` by hand), one busy replica sends N calls, the others idle;
* shared: the same with the pace shared through the database;
* shared, all busy: every replica sends N/REPLICAS calls at once.

It prints calls/s achieved, the ratio to the limit, refusals, and the per-call pacing
overhead (median and p99 of the reservation round trip).

    .venv/bin/python bench/shared_rate.py [--calls 200] [--replicas 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from contextlib import AsyncExitStack

import asyncpg

from bot.pacing import LocalPacer, Pace, Pacer
from bot.store import Store
from bot.store.paces import SharedPacer
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import SimulatorConfig, serve_simulator
from bot.trtc.transport import trtc_pace

SECRET_ID, SECRET_KEY = "AKIDbenchmark000000000000000000000", "bench-secret-0000000000000000000"
RATE, APP = 20, 1400000001


async def _run(url: str, pacers: list[Pacer], busy: int, calls: int, sim_url: str) -> tuple:
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                TrtcClient.create(
                    secret_id=SECRET_ID,
                    secret_key=SECRET_KEY,
                    endpoint=sim_url,
                    rate_limit=RATE,
                    max_attempts=1,
                    pacer=p,
                )
            )
            for p in pacers
        ]
        now = int(time.time())
        scale = {"SdkAppId": APP, "StartTime": now - 3600, "EndTime": now}
        each = calls // busy
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                c.transport.call("DescribeScaleInfo", scale)
                for c in clients[:busy]
                for _ in range(each)
            ),
            return_exceptions=True,
        )
        elapsed = time.perf_counter() - started
    refused = sum(isinstance(r, BaseException) for r in results)
    return len(results) / elapsed, refused


async def _overhead(store: Store, n: int = 500) -> list[float]:
    pacer = store.pacer(Pace(1e6), prefix="bench")  # never waits: only the round trip
    assert isinstance(pacer, SharedPacer)
    times = []
    for i in range(n):
        t = time.perf_counter()
        await pacer._reserve(f"k{i % 8}")
        times.append((time.perf_counter() - t) * 1000)
    return times


async def main(args: argparse.Namespace) -> None:
    server = os.environ.get("TRTC_CHATOPS_TEST_POSTGRES_URL")
    if not server:
        sys.exit('needs PostgreSQL: eval "$(scripts/postgres.sh start)" first')
    admin = server.replace("postgresql+asyncpg://", "postgresql://")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = server.rsplit("/", 1)[0] + f"/{name}"
    n = args.replicas
    try:
        config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=RATE)
        async with AsyncExitStack() as stack:
            sim = await stack.enter_async_context(serve_simulator(config))
            stores = [await Store.open(url) for _ in range(n)]
            for s in stores:
                stack.push_async_callback(s.close)
            static = [LocalPacer(trtc_pace(RATE / n)) for _ in range(n)]
            rows = []
            rate, refused = await _run(url, static, 1, args.calls, sim.url)
            rows.append(("static split, 1 busy", rate, refused))
            shared = [s.pacer(trtc_pace(RATE, shared=True), prefix="trtc-a") for s in stores]
            rate, refused = await _run(url, shared, 1, args.calls, sim.url)
            rows.append(("shared, 1 busy", rate, refused))
            shared = [s.pacer(trtc_pace(RATE, shared=True), prefix="trtc-b") for s in stores]
            rate, refused = await _run(url, shared, n, args.calls, sim.url)
            rows.append((f"shared, {n} busy", rate, refused))
            local = [LocalPacer(trtc_pace(RATE)) for _ in range(n)]
            rate, refused = await _run(url, local, n, args.calls, sim.url)
            rows.append((f"unshared full rate, {n} busy", rate, refused))
            over = await _overhead(stores[0])
        print(f"TRTC limit {RATE}/s per action, {n} replicas, {args.calls} calls per run")
        print(f"{'run':34} {'calls/s':>8} {'of limit':>9} {'refused':>8}")
        for label, r, x in rows:
            print(f"{label:34} {r:8.1f} {r / RATE:8.2f}x {x:8d}")
        q = statistics.quantiles(over, n=100)
        print(
            f"shared pace round trip: median {statistics.median(over):.2f} ms, p99 {q[98]:.2f} ms"
        )
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--replicas", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
