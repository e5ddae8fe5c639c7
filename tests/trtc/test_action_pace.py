"""The usage actions are documented at 5 requests/s (trtc-server-api-2.md §1, §7), not
TRTC's general 20: the simulator counts them so, and the client paces each action at its
own documented rate, so a burst of usage queries is never refused (timings are lower
bounds only)."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot.pacing import LocalPacer, Pace, Pacer
from bot.trtc import limits
from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError
from bot.trtc.pacer import ActionPacer
from bot.trtc.simulator import SimulatorConfig, serve_simulator
from bot.trtc.transport import trtc_pace
from bot.trtc.usage import beijing_date
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.wire import Wire

APP = 1400000001
DAY = beijing_date(time.time())
USAGE = {"StartTime": DAY.isoformat(), "EndTime": DAY.isoformat(), "SdkAppId": APP}


def test_each_action_gets_its_documented_rate_never_above_the_setting() -> None:
    for action in ("DescribeTrtcUsage", "DescribeRecordingUsage",
                   "DescribeMixTranscodingUsage", "DescribeRelayUsage"):  # fmt: skip
        assert limits.requests_per_second(action, 20) == 5
    assert limits.requests_per_second("DescribeTrtcRoomUsage", 20) == pytest.approx(1 / 15)
    assert limits.requests_per_second("RemoveUser", 20) == 20
    assert limits.requests_per_second("DescribeTrtcUsage", 3) == 3  # the setting is lower


async def test_a_slower_action_gets_its_own_pacer_once() -> None:
    made: list[tuple[float, str]] = []

    def make(rate: float, name: str) -> Pacer:
        made.append((rate, name))
        return LocalPacer(Pace(1000.0))

    pacer = ActionPacer(20, make)
    for action in ("DescribeRoomInfo", "DescribeTrtcUsage", "DescribeTrtcUsage", "RemoveUser"):
        await pacer.wait_for(action, action)
    assert made == [(20, ""), (5, "DescribeTrtcUsage")]


async def test_the_simulator_refuses_the_sixth_usage_query_in_a_second() -> None:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=20)
    async with serve_simulator(config) as sim, aiohttp.ClientSession() as session:
        wire = Wire(session, sim)
        answers = await asyncio.gather(*(wire.call("DescribeTrtcUsage", USAGE) for _ in range(6)))
        other = await wire.call("DescribeRecordingUsage", {**USAGE, "MixType": "single"})
    codes = [a.code for a in answers]
    assert codes.count(None) == 5 and codes.count("RequestLimitExceeded") == 1
    assert other.code is None  # each usage action has its own five


async def test_a_client_paces_usage_at_five_a_second_and_is_never_refused() -> None:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=20)
    async with (
        serve_simulator(config) as sim,
        TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=20,
            max_attempts=1,  # a refusal shows; it is not waited out
        ) as client,
    ):  # fmt: skip
        day = DAY
        started = time.monotonic()
        results = await asyncio.gather(
            *(client.usage.trtc(day, day, APP) for _ in range(8)), return_exceptions=True
        )
        elapsed = time.monotonic() - started
        refused = [r.error_code for r in sim.simulator.requests if r.error_code]
    assert refused == [] and not [r for r in results if isinstance(r, TrtcApiError)]
    assert not [r for r in results if isinstance(r, BaseException)]
    assert elapsed >= 7 * trtc_pace(5).interval * 0.95  # five a second, not twenty
