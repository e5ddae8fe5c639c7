"""Callback burst: as many signed TRTC callbacks as this machine takes, for 10 s, on loopback.

The bot side (this process) runs the real receiver, group-committed SQLite
storage, relay and feed with production pacing (gather 1 s, window 5 s); 20 of
the 200 rooms hit are watched, one thread each. A second process (so the
client does not steal the server's loop) keeps ``--concurrency`` requests in
flight for ``--seconds``; one request in twenty re-sends an earlier callback
byte for byte, as TRTC's retries do. Each answer waits for its group commit,
so throughput grows with the requests in flight (bigger batches) until the
CPU is the limit: 128 is about where that happens on a 2-core machine.

Printed: the rate sustained, client-side latency (p50/p99/max), and the
accounting: every acknowledged event stored once, every stored event relayed,
every watched event counted in the summaries posted — and how many notices
(Slack calls) that took, against one post per event.

    .venv/bin/python bench/callbacks.py [--seconds 10] [--concurrency 128] [--database URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.callbacks import CallbackService, sign
from bot.core.notice import Notice
from bot.store import Store
from bot.store.watches import Place

KEY = "benchCallbackKey0123456789abcdef"
APP = 1400000001
ROOMS = 200
WATCHED = 20  # rooms 1..20, one thread each
RETRY_EVERY = 20  # one request in twenty is a byte-identical re-send


def _body(room: int, n: int, now_ms: int) -> bytes:
    kind = n % 10
    info: dict[str, Any] = {"RoomId": room, "EventTs": now_ms // 1000, "EventMsTs": now_ms}
    info["UserId"] = f"user_{n}"
    if kind < 7:
        event_type, info["Role"], info["Reason"] = 103, 21, 1
    else:
        event_type, info["Role"], info["Reason"] = 104, 21, (1, 2, 3)[kind - 7]
    data = {"EventGroupId": 1, "EventType": event_type, "CallbackTs": now_ms, "EventInfo": info}
    return json.dumps(data, indent="\t", separators=(",", ":\t")).encode()


async def _load(url: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """``concurrency`` keep-alive connections, one request in flight on each.

    A bare HTTP/1.1 client on asyncio streams: aiohttp's client tops out near
    2,000 requests/s on one core here, which would measure the client.
    """
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sent_bodies: list[bytes] = []
    unique_ok = 0
    watched_ok = 0
    counter = 0
    rng = random.Random(7)
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal counter, unique_ok, watched_ok
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                counter += 1
                retry = bool(counter % RETRY_EVERY == 0 and sent_bodies)
                if retry:
                    data, room = rng.choice(sent_bodies), 0
                else:
                    room = rng.randint(1, ROOMS)
                    data = _body(room, counter, int(time.time() * 1000))
                head = (
                    f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Sign: {sign(data, KEY)}\r\nSdkAppId: {APP}\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n"
                )
                started = time.perf_counter()
                writer.write(head.encode() + data)
                status = int((await reader.readline()).split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
                if status == 200 and not retry:
                    unique_ok += 1
                    watched_ok += room <= WATCHED
                    if len(sent_bodies) < 5000:
                        sent_bodies.append(data)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "latencies": latencies,
        "statuses": dict(statuses),
        "unique_ok": unique_ok,
        "watched_ok": watched_ok,
        "elapsed": elapsed,
    }


def _client(url: str, seconds: float, concurrency: int, out: Connection) -> None:
    out.send(asyncio.run(_load(url, seconds, concurrency)))
    out.close()


def _measure(url: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """Run the load from a second process (the client must not share our loop)."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_client, args=(url, seconds, concurrency, send))
    proc.start()
    result: dict[str, Any] = receive.recv()
    proc.join()
    return result


async def _baseline(seconds: float, concurrency: int) -> float:
    """The ceiling here and now: the same load against a handler that only reads the body
    and answers 200 (no signature, no parsing, no database)."""

    async def bare(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=b'{"code":0}', content_type="application/json")

    app = web.Application()
    app.router.add_post("/trtc/callback", bare)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/trtc/callback"
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, _measure, url, seconds, concurrency)
    finally:
        await runner.cleanup()
    return len(result["latencies"]) / float(result["elapsed"])


_COUNT = re.compile(r"(\d+) (?:joined|left|kicked|timed out)")


def _events_in(headline: str) -> int:
    """Events a feed headline accounts for ("Room …: 12 joined, 3 left" or one sentence)."""
    summary = headline.split(": ", 1)[1]
    counts = [int(n) for n in _COUNT.findall(summary)]
    return sum(counts) if counts else 1


async def main(seconds: float, concurrency: int, database: str | None) -> None:
    ceiling = await _baseline(min(seconds, 3.0), concurrency)
    if database is None:
        folder = Path(tempfile.mkdtemp(prefix="bench-callbacks-"))
        database = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    store = await Store.open(database)
    notices: list[Notice] = []

    async def notify(notice: Notice) -> None:  # stands in for the Slack adapter
        notices.append(notice)

    watches = store.watches
    service = CallbackService(store, KEY, notify)
    async with service, service.serve() as url:
        for room in range(1, WATCHED + 1):
            await watches.start(
                sdkappid=APP,
                room=str(room),
                numeric=True,
                place=Place("C0BENCH", f"1700000000.{room:06d}"),
                by="U0BENCH",
                now=time.time(),
            )
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, _measure, url, seconds, concurrency)
        settle_started = time.perf_counter()
        await service.settle()
        settle_s = time.perf_counter() - settle_started
        counts = await service.relay.records.counts()
        tally = service.feed.tally
    await store.close()

    latencies = sorted(result["latencies"])
    total = len(latencies)
    statuses = result["statuses"]
    rate = total / result["elapsed"]
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(total * 0.99)] * 1000
    final: dict[str, Notice] = {}
    for notice in notices:
        final[notice.key or str(id(notice))] = notice  # the last edit of each message
    summarised = sum(_events_in(n.reply.headline) for n in final.values())
    unique_ok, watched_ok = result["unique_ok"], result["watched_ok"]
    print(f"database              {database.split('://')[0]}")
    print(f"callbacks sent        {total} in {result['elapsed']:.1f} s, {concurrency} in flight")
    print(
        f"sustained rate        {rate:,.0f} callbacks/s "
        f"({rate / ceiling:.2f} × a bare aiohttp 200 handler here: {ceiling:,.0f}/s)"
    )
    print(f"answers               {dict(sorted(statuses.items()))}")
    slowest = latencies[-1] * 1000
    print(f"response time         p50 {p50:.1f} ms · p99 {p99:.1f} ms · max {slowest:.1f} ms")
    print(f"re-sent (retries)     {total - unique_ok} answered 200, stored 0 times")
    print(
        f"stored events         {counts.total} (unique acknowledged {unique_ok}) "
        f"{'OK' if counts.total == unique_ok else 'MISMATCH'}"
    )
    print(
        f"relayed               {service.relay.processed} (still new: {counts.new}) "
        f"{'OK' if service.relay.processed == counts.total and counts.new == 0 else 'MISMATCH'}"
    )
    print(
        f"watched events        {watched_ok} sent · {tally.events} fed · {summarised} in the "
        f"final summaries {'OK' if watched_ok == tally.events == summarised else 'MISMATCH'}"
    )
    print(
        f"notices (Slack calls) {tally.notices} = {tally.posts} posts + {tally.edits} edits "
        f"for {WATCHED} threads, vs {watched_ok} with one post per event"
    )
    print(f"flush after the burst {settle_s * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument(
        "--database", metavar="URL", help="an EMPTY database (default: a new SQLite file)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.concurrency, args.database))
