"""The core's tests drive the harness of ``tests/support/harness.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.settings import Settings
from bot.trtc.simulator import SimulatorConfig
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, open_harness


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[Harness]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=3, rate_limit=None)
    settings = Settings(_env_file=None, trtc_chatops_apps={"staging": 1400000002})  # type: ignore[call-arg]
    async with open_harness(config, database_url, settings=settings) as harness:
        yield harness
