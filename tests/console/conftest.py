"""An in-process console on the simulator, for tests that drive it line by line."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.console.repl import Console, Identity
from bot.trtc.simulator import SimulatorConfig
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import open_harness


@pytest.fixture
async def console(database_url: str) -> AsyncIterator[tuple[Console, list[str]]]:
    """The on-call persona's console in C0INCIDENT, and the lines it has written."""
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=3, rate_limit=None)
    async with open_harness(config, database_url) as harness:
        lines: list[str] = []
        yield Console(harness.core, Identity.of("oncall"), "C0INCIDENT", write=lines.append), lines
