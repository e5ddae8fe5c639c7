"""TRTC client throughput: ours against the official SDK and a raw-aiohttp ceiling.

The simulator runs in a separate process on 127.0.0.1 with its rate limit off.
Each client makes N DescribeRoomInfo calls at concurrency C; rounds interleave
the four clients so drift on a shared machine hits them alike, and the figure
per client is the median round. Then microseconds per signature, ours against
the official signer, in the same process.

(d) is the issue's ceiling: unsigned POSTs, which the simulator refuses at once
(AuthFailure) without running DescribeRoomInfo, so its server work is lighter
than everyone else's. (e) replays one validly signed request, so the server does
exactly what it does for (a): a/e is our client's own overhead.

    .venv/bin/python bench/client_throughput.py [--calls 2000] [--concurrency 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
from simulator_process import free_port, start_simulator
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.trtc.v20190722 import models, trtc_client, trtc_client_async

from bot.trtc import signing
from bot.trtc import transport as transport_module
from bot.trtc.client import TrtcClient

SECRET_ID = "AKIDbenchmark000000000000000000000"
SECRET_KEY = "bench-secret-key-0000000000000000"
SDKAPPID = 1400000001


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float = 0.0  # this process's CPU time per call (the simulator is another)


def _params() -> dict[str, int]:
    now = int(time.time())
    return {"SdkAppId": SDKAPPID, "StartTime": now - 3600, "EndTime": now, "PageSize": 10}


def _summary(
    name: str, latencies: list[float], wall: float, errors: int, cpu: float = 0.0
) -> Result:
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Result(
        name,
        len(latencies) / wall,
        statistics.median(latencies) * 1e3,
        p99 * 1e3,
        errors,
        cpu / len(latencies) * 1e6,
    )


async def _drive(
    name: str, calls: int, concurrency: int, one: Callable[[], Awaitable[bool]]
) -> Result:
    latencies: list[float] = []
    errors = 0
    remaining = calls

    async def worker() -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            t = time.perf_counter()
            ok = await one()
            latencies.append(time.perf_counter() - t)
            errors += not ok

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    return _summary(name, latencies, wall, errors, time.process_time() - cpu)


async def ours(url: str, calls: int, concurrency: int) -> Result:
    async with TrtcClient.create(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=url, rate_limit=None, max_attempts=1
    ) as client:
        params = _params()

        async def one() -> bool:
            answer = await client.call("DescribeRoomInfo", params)
            return "RoomList" in answer

        return await _drive("(a) trtc-chatops client", calls, concurrency, one)


def _profile(port: int) -> ClientProfile:
    return ClientProfile(httpProfile=HttpProfile(endpoint=f"127.0.0.1:{port}", protocol="http"))


def _request() -> models.DescribeRoomInfoRequest:
    req = models.DescribeRoomInfoRequest()
    req.from_json_string(json.dumps(_params()))
    return req


async def official_async(port: int, calls: int, concurrency: int) -> Result:
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    async with trtc_client_async.TrtcClient(cred, "ap-guangzhou", _profile(port)) as client:
        req = _request()

        async def one() -> bool:
            resp = await client.DescribeRoomInfo(req)
            return resp.RoomList is not None

        return await _drive("(b) official async client", calls, concurrency, one)


def official_sync(port: int, calls: int, concurrency: int) -> Result:
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    local = threading.local()
    req = _request()

    def one() -> tuple[float, bool]:
        if not hasattr(local, "client"):  # one client per thread, as the SDK expects
            local.client = trtc_client.TrtcClient(cred, "ap-guangzhou", _profile(port))
        t = time.perf_counter()
        try:
            ok = local.client.DescribeRoomInfo(req).RoomList is not None
        except Exception:
            ok = False
        return time.perf_counter() - t, ok

    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _: one(), range(calls)))
    wall = time.perf_counter() - start
    return _summary(
        "(c) official sync client, 50 threads",
        [r[0] for r in results],
        wall,
        sum(not r[1] for r in results),
        time.process_time() - cpu,
    )


async def raw_aiohttp(url: str, calls: int, concurrency: int) -> Result:
    body = json.dumps(_params()).encode()
    headers = {"Content-Type": "application/json", "X-TC-Action": "DescribeRoomInfo"}
    async with aiohttp.ClientSession() as session:

        async def one() -> bool:
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                return resp.status == 200

        return await _drive("(d) raw unsigned aiohttp POST", calls, concurrency, one)


async def raw_presigned(url: str, calls: int, concurrency: int) -> Result:
    """The same request as (a), signed once and replayed: the server does the same
    work as for (a), the client none of ours — the fair ceiling for our overhead."""
    body = json.dumps(_params(), separators=(",", ":")).encode()
    host = url.split("://", 1)[1]
    signed = signing.sign_request(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        service="trtc",
        host=host,
        action="DescribeRoomInfo",
        version="2019-07-22",
        region="ap-guangzhou",
        timestamp=int(time.time()),
        payload=body,
    )
    async with aiohttp.ClientSession() as session:

        async def one() -> bool:
            async with session.post(url + "/", data=body, headers=signed.headers) as resp:
                return b"RoomList" in await resp.read()

        return await _drive("(e) raw aiohttp, one pre-signed request", calls, concurrency, one)


async def own_work_micros(url: str, n: int = 20000) -> tuple[float, float]:
    """Median µs per call of our client's own work, no I/O: ``Transport.call`` with the
    exchange answered from memory by a real DescribeRoomInfo answer (encode, sign,
    metrics, decode, envelope checks); and of decoding that answer alone."""
    body = json.dumps(_params(), separators=(",", ":")).encode()
    host = url.split("://", 1)[1]
    signed = signing.sign_request(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, service="trtc", host=host,
        action="DescribeRoomInfo", version="2019-07-22", region="ap-guangzhou",
        timestamp=int(time.time()), payload=body,
    )  # fmt: skip
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/", data=body, headers=signed.headers) as resp,
    ):
        raw = await resp.read()
    async with TrtcClient.create(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=url, rate_limit=None, max_attempts=1
    ) as client:
        transport = client.transport

        async def from_memory(action: str, body: bytes, headers: object, decode: Any) -> Any:
            return transport_module._unwrap(action, raw, decode)

        transport._exchange = from_memory  # type: ignore[method-assign]
        params = _params()
        runs, decodes = [], []
        for _ in range(5):
            t = time.process_time()
            for _ in range(n):
                await transport.call("DescribeRoomInfo", params)
            runs.append((time.process_time() - t) / n * 1e6)
            t = time.process_time()
            for _ in range(n):
                orjson.loads(raw)
            decodes.append((time.process_time() - t) / n * 1e6)
    return statistics.median(runs), statistics.median(decodes)


def signing_micros(n: int = 20000) -> tuple[float, float]:
    """Median µs per signature over 5 batches: ours (cached key) and the official signer."""
    payload = json.dumps(_params())
    ours_runs, official_runs = [], []
    profile = ClientProfile(httpProfile=HttpProfile(endpoint="trtc.tencentcloudapi.com"))
    sdk = trtc_client.TrtcClient(
        credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", profile
    )
    req = abstract_client.RequestInternal(host="trtc.tencentcloudapi.com", method="POST", uri="/")
    req.header = {
        "Content-Type": "application/json",
        "Host": "trtc.tencentcloudapi.com",
        "X-TC-Timestamp": "1700000000",
    }
    req.data = payload
    body = payload.encode()
    for _ in range(5):
        t = time.perf_counter()
        for i in range(n):
            signing.sign_request(
                secret_id=SECRET_ID,
                secret_key=SECRET_KEY,
                service="trtc",
                host="trtc.tencentcloudapi.com",
                action="DescribeRoomInfo",
                version="2019-07-22",
                region="ap-guangzhou",
                timestamp=1700000000 + i % 60,
                payload=body,
                sign_action=False,
            )
        ours_runs.append((time.perf_counter() - t) / n * 1e6)
        t = time.perf_counter()
        for _ in range(n):
            sdk._get_tc3_signature(None, req, "2023-11-14", "trtc", SECRET_KEY)
        official_runs.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(ours_runs), statistics.median(official_runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    port = free_port()
    proc, url = start_simulator(SECRET_ID, SECRET_KEY, "--rate-limit", "0", port=port)
    rounds: dict[str, list[Result]] = {}
    try:
        for _ in range(args.rounds):
            for result in (  # (a) and (e) back to back: their ratio is paired per round
                asyncio.run(ours(url, args.calls, args.concurrency)),
                asyncio.run(raw_presigned(url, args.calls, args.concurrency)),
                asyncio.run(official_async(port, args.calls, args.concurrency)),
                official_sync(port, args.calls, args.concurrency),
                asyncio.run(raw_aiohttp(url, args.calls, args.concurrency)),
            ):
                rounds.setdefault(result.name, []).append(result)
        own_us, decode_us = asyncio.run(own_work_micros(url))
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    print(
        f"{args.calls} DescribeRoomInfo calls at concurrency {args.concurrency}, "
        f"simulator in another process, median of {args.rounds} interleaved rounds "
        f"(cpu count {os.cpu_count()})"
    )
    print(f"{'client':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'cpu µs':>7}")
    medians: dict[str, Result] = {}
    for name, results in rounds.items():
        best = sorted(results, key=lambda r: r.rps)[len(results) // 2]
        medians[name] = best
        print(
            f"{name:40} {best.rps:8.0f} {best.p50_ms:8.1f} {best.p99_ms:8.1f} "
            f"{best.errors:7d} {statistics.median(r.cpu_us for r in results):7.0f}"
        )
    a, b, c, d, e = (medians[k] for k in sorted(medians))
    print(f"ratio a/b (official async) = {a.rps / b.rps:.2f}x   goal >= 4x")
    print(f"ratio a/c (official sync)  = {a.rps / c.rps:.2f}x   goal >= 4x")
    print(f"ratio a/d (raw ceiling)    = {a.rps / d.rps:.2f}x   goal >= 0.8x")
    print(f"ratio a/e (same server work) = {a.rps / e.rps:.2f}x")
    paired = [ra.rps / re_.rps for ra, re_ in zip(rounds[a.name], rounds[e.name], strict=True)]
    print(
        "a/e per round (each pair run back to back): "
        + ", ".join(f"{r:.2f}" for r in paired)
        + f"; median {statistics.median(paired):.2f}x   goal >= 0.9x"
    )
    cpu_a = statistics.median(r.cpu_us for r in rounds[a.name])
    cpu_e = statistics.median(r.cpu_us for r in rounds[e.name])
    print(
        f"client CPU per call (median of rounds): ours {cpu_a:.0f} µs, pre-signed raw "
        f"{cpu_e:.0f} µs: our own work {cpu_a - cpu_e:.0f} µs a call (e/a = {cpu_e / cpu_a:.2f}x)"
    )
    print(
        f"our client's own work per call, no I/O: {own_us:.1f} µs "
        f"(of which decoding the answer {decode_us:.1f} µs)"
    )
    ours_us, official_us = signing_micros()
    print(
        f"signature: ours {ours_us:.1f} µs (cached signing key), official {official_us:.1f} µs "
        f"({official_us / ours_us:.2f}x)"
    )


if __name__ == "__main__":
    main()
