"""Usage tests drive the harness on a world with a spike day (the default world's) and
one scenario room left running for nobody."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.settings import Settings
from bot.trtc.simulator import SimulatorConfig
from bot.trtc.simulator.scenario import Scenario, parse_scenario
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, open_harness

IDLE_ROOM = 5150


def scenario() -> Scenario:
    """The default world plus room 5150: live for 3 h 20 min, one user left in it."""
    return parse_scenario(
        {
            "rooms": [
                {
                    "room": IDLE_ROOM,
                    "started_minutes_ago": 200,
                    "users": ["ghost", {"id": "gone", "join_minute": 1, "leave_minute": 9}],
                }
            ]
        }
    )


def config() -> SimulatorConfig:
    return SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, scenario=scenario()
    )


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[Harness]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    async with open_harness(config(), database_url, settings=settings) as harness:
        yield harness
