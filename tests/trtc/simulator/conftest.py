"""Simulators on 127.0.0.1 random ports: one on a frozen clock, one on the wall clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.wire import Wire

# 2025-10-10 00:00:30 UTC: half a minute after midnight, so scope-date tests can
# sign on either side of a UTC day boundary within the allowed skew.
NOW = 1_760_054_430
APP = 1400000001


def frozen_config(**overrides: object) -> SimulatorConfig:
    options: dict[str, object] = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "rate_limit": None,
        "clock": lambda: float(NOW),
    }
    options.update(overrides)
    return SimulatorConfig(**options)  # type: ignore[arg-type]


@pytest.fixture
async def frozen() -> AsyncIterator[RunningSimulator]:
    async with serve_simulator(frozen_config()) as running:
        yield running


@pytest.fixture
async def live() -> AsyncIterator[RunningSimulator]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None)
    async with serve_simulator(config) as running:
        yield running


@pytest.fixture
async def wire(frozen: RunningSimulator) -> AsyncIterator[Wire]:
    async with aiohttp.ClientSession() as session:
        yield Wire(session, frozen)
