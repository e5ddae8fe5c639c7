"""A running simulator and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.trtc.client import TrtcClient
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from tests.support.credentials import SECRET_ID, SECRET_KEY


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=7, rate_limit=None)
    async with serve_simulator(config, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
async def client(sim: RunningSimulator) -> AsyncIterator[TrtcClient]:
    async with TrtcClient.create(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
    ) as c:
        yield c
