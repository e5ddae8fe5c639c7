"""The knobs: latency, rate limit, random internal errors, scripted failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from bot.trtc.simulator import Simulator, SimulatorConfig, serve_simulator
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.conftest import APP, NOW, frozen_config
from tests.trtc.simulator.wire import Wire

SCALE = {"SdkAppId": APP, "StartTime": NOW - 3600, "EndTime": NOW}
DISMISS = {"SdkAppId": APP, "RoomId": 1234}


@asynccontextmanager
async def _wire(target: SimulatorConfig | Simulator) -> AsyncIterator[Wire]:
    async with serve_simulator(target) as running, aiohttp.ClientSession() as session:
        yield Wire(session, running)


async def test_latency_delays_every_answer() -> None:
    """latency_ms holds each answer back that long, without blocking other requests."""
    async with _wire(frozen_config(latency_ms=400)) as wire:
        started = time.monotonic()
        answers = await asyncio.gather(*(wire.call("DescribeScaleInfo", SCALE) for _ in range(5)))
        elapsed = time.monotonic() - started
    assert [a.code for a in answers] == [None] * 5
    # Held back at least 400 ms; one after another, five would need 2 s.
    assert 0.4 <= elapsed < 1.6


async def test_rate_limit_per_action_over_a_sliding_second() -> None:
    """Past N requests in one second an action gets RequestLimitExceeded; others are not hit."""
    async with _wire(frozen_config(rate_limit=3)) as wire:
        first = [await wire.call("DescribeScaleInfo", SCALE) for _ in range(4)]
        assert [a.code for a in first] == [None, None, None, "RequestLimitExceeded"]
        assert "`4`" in first[-1].message
        other = await wire.call("DescribeRoomInfo", SCALE)
        assert other.code is None
        await asyncio.sleep(1.05)
        assert (await wire.call("DescribeScaleInfo", SCALE)).code is None


async def test_rate_limit_counts_only_authenticated_requests() -> None:
    """Requests refused for a bad signature do not use up the allowance."""
    async with _wire(frozen_config(rate_limit=2)) as wire:
        for _ in range(3):
            bad = await wire.call("DescribeScaleInfo", SCALE, secret_key="nope")
            assert bad.code == "AuthFailure.SignatureFailure"
        assert (await wire.call("DescribeScaleInfo", SCALE)).code is None


async def test_error_rate_is_seeded() -> None:
    """error_rate answers that fraction InternalError, the same requests for the same seed."""
    runs = []
    for _ in range(2):
        async with _wire(frozen_config(error_rate=0.5, seed=11)) as wire:
            runs.append([(await wire.call("DescribeScaleInfo", SCALE)).code for _ in range(20)])
    assert runs[0] == runs[1]
    assert 3 <= runs[0].count("InternalError") <= 17
    assert set(runs[0]) == {None, "InternalError"}
    async with _wire(frozen_config(error_rate=1.0)) as wire:
        assert (await wire.call("DismissRoom", DISMISS)).code == "InternalError"
        assert wire.running.simulator.world.room(APP, 1234) is not None


async def test_fail_next_scripts_api_errors_then_recovers() -> None:
    """fail_next answers the next N requests of that action with the code, then normally."""
    sim = Simulator(frozen_config())
    sim.fail_next("DismissRoom", "InternalError.DBError", times=2)
    sim.fail_next("DismissRoom", "ResourceUnavailable", "try later")
    async with _wire(sim) as wire:
        assert (await wire.call("DescribeScaleInfo", SCALE)).code is None
        codes = [(await wire.call("DismissRoom", DISMISS)) for _ in range(4)]
    assert [a.code for a in codes] == [
        "InternalError.DBError", "InternalError.DBError", "ResourceUnavailable", None,
    ]  # fmt: skip
    assert codes[2].message == "try later"
    assert sim.world.room(APP, 1234) is None


async def test_fail_next_transport_failures() -> None:
    """A scripted 502 is HTML with that status; a scripted body is non-JSON with HTTP 200."""
    sim = Simulator(frozen_config())
    sim.fail_next("RemoveUser", http_status=502)
    sim.fail_next("RemoveUser", body="<html>upstream reset</html>")
    kick = {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["alice"]}
    async with _wire(sim) as wire:
        gateway = await wire.call("RemoveUser", kick)
        garbage = await wire.call("RemoveUser", kick)
        fine = await wire.call("RemoveUser", kick)
    assert gateway.status == 502
    assert gateway.content_type.startswith("text/html")
    assert "502 Bad Gateway" in gateway.text
    assert (garbage.status, garbage.text) == (200, "<html>upstream reset</html>")
    assert fine.code is None
    assert [r.status for r in sim.requests] == [502, 200, 200]


async def test_scripted_failures_wait_for_an_authenticated_request() -> None:
    """A request with a bad signature is answered AuthFailure and leaves the script queued."""
    sim = Simulator(frozen_config())
    sim.fail_next("DismissRoom", "InternalError")
    async with _wire(sim) as wire:
        bad = await wire.call("DismissRoom", DISMISS, secret_key="nope")
        scripted = await wire.call("DismissRoom", DISMISS)
    assert bad.code == "AuthFailure.SignatureFailure"
    assert scripted.code == "InternalError"


def test_fail_next_refuses_nonsense() -> None:
    """Unknown actions, no failure at all, or both kinds at once are programming errors."""
    sim = Simulator(frozen_config())
    with pytest.raises(ValueError, match="unknown action"):
        sim.fail_next("KickEveryone", "InternalError")
    with pytest.raises(ValueError, match="either"):
        sim.fail_next("DismissRoom")
    with pytest.raises(ValueError, match="either"):
        sim.fail_next("DismissRoom", "InternalError", http_status=502)
    with pytest.raises(ValueError, match="times"):
        sim.fail_next("DismissRoom", "InternalError", times=0)


def test_config_refuses_impossible_knobs() -> None:
    """Out-of-range knobs fail when the config is built, not at the first request."""
    for bad in ({"error_rate": 1.5}, {"latency_ms": -1}, {"rate_limit": 0}, {"secret_key": ""}):
        with pytest.raises(ValueError, match=r"error_rate|latency_ms|rate_limit|secret"):
            SimulatorConfig(**{"secret_id": SECRET_ID, "secret_key": SECRET_KEY, **bad})  # type: ignore[arg-type]


async def test_serve_accepts_a_simulator_and_gives_a_full_url() -> None:
    """serve_simulator takes a config or a Simulator and reports http://127.0.0.1:PORT."""
    sim = Simulator(frozen_config())
    async with serve_simulator(sim, host="127.0.0.1", port=0) as running:
        assert running.simulator is sim
        assert running.url == f"http://127.0.0.1:{running.port}"
        assert running.port > 0
