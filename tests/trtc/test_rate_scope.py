"""What TRTC's 20 requests/s counts is one setting, shared by simulator and client.

Two SdkAppIds call the same action: counted per action, the 21st call in a second is
refused whichever app made it; counted per SdkAppId, each app has its own 20. A client
pacing on the same scope is never refused (timings are lower bounds only).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from bot.settings import RateLimitScope
from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.conftest import NOW, frozen_config
from tests.trtc.simulator.wire import Wire

APPS = (1400000001, 1400000002)
PACE_S = 1.05 / 20  # the client's spacing per counter (transport._LIMITER_HEADROOM / 20)


def _scale(app: int, now: float = NOW) -> dict[str, int]:
    return {"SdkAppId": app, "StartTime": int(now) - 3600, "EndTime": int(now)}


@asynccontextmanager
async def _wire(scope: RateLimitScope) -> AsyncIterator[Wire]:
    config = frozen_config(rate_limit=20, rate_limit_scope=scope)
    async with serve_simulator(config) as running, aiohttp.ClientSession() as session:
        yield Wire(session, running)


async def _burst(wire: Wire, calls: list[tuple[str, int]]) -> list[str | None]:
    answers = await asyncio.gather(*(wire.call(action, _scale(app)) for action, app in calls))
    return [a.code for a in answers]


async def test_scope_action_counts_both_apps_together() -> None:
    async with _wire(RateLimitScope.ACTION) as wire:
        codes = await _burst(wire, [("DescribeScaleInfo", app) for app in APPS for _ in range(10)])
        assert codes == [None] * 20
        (last,) = await _burst(wire, [("DescribeScaleInfo", APPS[1])])
        assert last == "RequestLimitExceeded"
        (other,) = await _burst(wire, [("DescribeRoomInfo", APPS[1])])
        assert other is None  # another action has its own counter


async def test_scope_sdkappid_gives_each_app_its_own_twenty() -> None:
    async with _wire(RateLimitScope.SDKAPPID) as wire:
        codes = await _burst(wire, [("DescribeScaleInfo", app) for app in APPS for _ in range(20)])
        assert codes == [None] * 40
        (last,) = await _burst(wire, [("DescribeScaleInfo", APPS[0])])
        assert last == "RequestLimitExceeded"


async def test_scope_account_counts_every_action_together() -> None:
    async with _wire(RateLimitScope.ACCOUNT) as wire:
        calls = [("DescribeScaleInfo", APPS[0])] * 10 + [("DescribeRoomInfo", APPS[1])] * 10
        assert await _burst(wire, calls) == [None] * 20
        (last,) = await _burst(wire, [("DescribeUserInfo", APPS[0])])
        assert last == "RequestLimitExceeded"


@asynccontextmanager
async def _live(scope: RateLimitScope) -> AsyncIterator[RunningSimulator]:
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=20, rate_limit_scope=scope
    )
    async with serve_simulator(config) as running:
        yield running


async def _client_burst(
    sim: RunningSimulator, scope: RateLimitScope, per_app: int
) -> tuple[float, list[object]]:
    """``per_app`` DescribeScaleInfo calls for each app at once; one attempt each."""
    async with TrtcClient.create(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        endpoint=sim.url,
        rate_limit=20,
        rate_limit_scope=scope,
        max_attempts=1,
    ) as client:
        started = time.monotonic()
        results = await asyncio.gather(
            *(
                client.transport.call("DescribeScaleInfo", _scale(app, time.time()))
                for app in APPS
                for _ in range(per_app)
            ),
            return_exceptions=True,
        )
        return time.monotonic() - started, results


@pytest.mark.parametrize("scope", [RateLimitScope.ACTION, RateLimitScope.SDKAPPID])
async def test_a_client_on_the_same_scope_is_never_refused(scope: RateLimitScope) -> None:
    per_app = 15
    async with _live(scope) as sim:
        elapsed, results = await _client_burst(sim, scope, per_app)
        refused = [r.error_code for r in sim.simulator.requests if r.error_code]
    assert refused == []
    assert not [r for r in results if isinstance(r, BaseException)]
    # Paced per counter: both apps on one counter (action) or one each (sdkappid).
    counted_together = 2 * per_app if scope is RateLimitScope.ACTION else per_app
    assert elapsed >= (counted_together - 1) * PACE_S * 0.95


async def test_a_client_on_a_looser_scope_than_trtc_is_refused() -> None:
    """Why the scope must match: pacing per app against a per-action count overruns it."""
    async with _live(RateLimitScope.ACTION) as sim:
        _, results = await _client_burst(sim, RateLimitScope.SDKAPPID, 15)
    codes = {r.code for r in results if isinstance(r, TrtcApiError)}
    assert codes == {"RequestLimitExceeded"}
