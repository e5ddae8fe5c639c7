"""One TRTC rate limit and one Slack pace for every replica on the database.

Two replicas (two stores on one database, each with its own TRTC client) calling
one action at once stay under TRTC's 20/s together, where two replicas pacing
alone are refused; a lone busy replica gets the whole rate, not half of it.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest

from bot.pacing import Pace, Pacer
from bot.store import Store
from bot.store.paces import SharedPacer
from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from bot.trtc.transport import trtc_pace
from tests.support.credentials import SECRET_ID, SECRET_KEY

pytestmark = pytest.mark.storage

APP = 1400000001
RATE = 20


@asynccontextmanager
async def _replicas(url: str, n: int) -> AsyncIterator[list[Store]]:
    async with AsyncExitStack() as stack:
        stores = []
        for _ in range(n):
            store = await Store.open(url)
            stack.push_async_callback(store.close)
            stores.append(store)
        yield stores


async def _call_together(
    sim: RunningSimulator, pacers: list[Pacer | None], per_replica: int, *, attempts: int = 1
) -> list[object]:
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                TrtcClient.create(
                    secret_id=SECRET_ID,
                    secret_key=SECRET_KEY,
                    endpoint=sim.url,
                    rate_limit=RATE,
                    max_attempts=attempts,  # 1: a refusal shows; it is not waited out
                    pacer=pacer,
                )
            )
            for pacer in pacers
        ]
        now = int(time.time())
        scale = {"SdkAppId": APP, "StartTime": now - 3600, "EndTime": now}
        return await asyncio.gather(
            *(
                client.transport.call("DescribeScaleInfo", scale)
                for client in clients
                for _ in range(per_replica)
            ),
            return_exceptions=True,
        )


@asynccontextmanager
async def _trtc() -> AsyncIterator[RunningSimulator]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=RATE)
    async with serve_simulator(config) as running:
        yield running


def _busiest_second(times: list[float]) -> int:
    """The most uses in any one-second window (TRTC's sliding count)."""
    times = sorted(times)
    return max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))


async def test_two_replicas_share_one_trtc_limit(database_url: str) -> None:
    """The schedule the replicas reserve together never holds more than the limit in any
    second (when requests then arrive is up to the machine: the headroom absorbs its
    jitter, and a refusal is waited out and sent again, so every call succeeds)."""
    async with _replicas(database_url, 2) as stores, _trtc() as sim:
        pacers: list[Pacer | None] = [
            s.pacer(trtc_pace(RATE, shared=True), prefix="trtc") for s in stores
        ]
        slots: list[float] = []
        for pacer in pacers:
            if isinstance(pacer, SharedPacer):
                reserve = pacer._slot

                async def noted(key: str, reserve: Any = reserve) -> tuple[float, float]:
                    slot, at = await reserve(key)
                    slots.append(slot)
                    return slot, at

                pacer._slot = noted  # type: ignore[method-assign]
        results = await _call_together(sim, pacers, per_replica=RATE, attempts=3)
        served = [r.time for r in sim.simulator.requests if not r.error_code]
    assert not [r for r in results if isinstance(r, BaseException)]
    assert len(served) == 2 * RATE
    if slots:  # PostgreSQL: the shared schedule itself
        assert len(slots) >= 2 * RATE
        assert _busiest_second(slots) <= RATE


async def test_two_replicas_pacing_alone_overrun_it() -> None:
    """Why the limit is shared: each replica at the full rate on its own is refused."""
    async with _trtc() as sim:
        results = await _call_together(sim, [None, None], per_replica=RATE)
    assert {r.code for r in results if isinstance(r, TrtcApiError)} == {"RequestLimitExceeded"}


async def test_a_lone_busy_replica_gets_the_whole_rate(database_url: str) -> None:
    pace = Pace(RATE)
    async with _replicas(database_url, 2) as (busy, idle):
        pacer = busy.pacer(pace, prefix="slack")
        if not isinstance(pacer, SharedPacer):  # SQLite: replicas of one process share one
            assert idle.pacer(pace, prefix="slack") is pacer
            return
        # Reservations are spaced by the full rate's interval (1/20 s), not by the
        # 1/10 s a static split between two replicas would give: the k-th use waits
        # at most k intervals (less, as time passes while reserving).
        delays = [await pacer._reserve("C1") for _ in range(RATE)]
        assert delays[0] <= 0
        assert delays[-1] <= (RATE - 1) * pace.interval
        # The other replica's next use queues behind them, on the same schedule.
        assert await idle.pacer(pace, prefix="slack")._reserve("C1") > delays[-1]  # type: ignore[attr-defined]
        # Another channel has its own pace.
        assert await pacer._reserve("C2") <= 0
