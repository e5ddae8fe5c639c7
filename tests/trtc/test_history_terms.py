"""The client against a simulator with a monitoring edition and a history lag: what
TRTC refuses since 2024-04-01, and joins and leaves that history shows late."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError
from bot.trtc.simulator import SimulatorConfig, parse_scenario, serve_simulator
from tests.support.clock import Clock
from tests.support.credentials import SECRET_ID, SECRET_KEY

APP = 1400000001
DAY = 86400


@asynccontextmanager
async def _client(clock: Clock, **config: object) -> AsyncIterator[TrtcClient]:
    options: dict[str, object] = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "rate_limit": None,
        "clock": clock,
    }
    async with (
        serve_simulator(SimulatorConfig(**{**options, **config})) as sim,  # type: ignore[arg-type]
        TrtcClient.create(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            endpoint=sim.url,
            rate_limit=None,
            clock=clock,
        ) as client,
    ):
        yield client


async def test_a_ten_day_window_on_a_seven_day_edition_is_refused() -> None:
    """Basic keeps 7 days: a 10-day listing gets StartTimeOversize; 6 days are answered."""
    clock = Clock()
    now = int(clock())
    async with _client(clock, edition="basic") as client:
        with pytest.raises(TrtcApiError) as refused:
            _ = [r async for r in client.rooms(APP, now - 10 * DAY, now)]
        assert refused.value.code == "InvalidParameter.StartTimeOversize"
        assert refused.value.action == "DescribeRoomInfo"
        assert "7 days" in refused.value.message
        assert [r async for r in client.rooms(APP, now - 6 * DAY, now)]


async def test_the_default_edition_keeps_all_fourteen_days() -> None:
    """Without an edition the simulator is generous: 10 days back are answered."""
    clock = Clock()
    now = int(clock())
    async with _client(clock) as client:
        assert [r async for r in client.rooms(APP, now - 10 * DAY, now)]


async def test_the_free_edition_has_no_call_history_but_keeps_daily_scale() -> None:
    """Free: even the last hour of rooms is refused (UNCONFIRMED code, the documented
    one assumed); DescribeScaleInfo carries no package note and still answers."""
    clock = Clock()
    now = int(clock())
    async with _client(clock, edition="free") as client:
        with pytest.raises(TrtcApiError) as refused:
            _ = [r async for r in client.rooms(APP, now - 3600, now)]
        assert refused.value.code == "InvalidParameter.StartTimeOversize"
        assert "needs a monitoring package" in refused.value.message
        assert await client.scale(APP, now - 3 * DAY, now)


async def test_an_unknown_edition_is_refused_at_configuration() -> None:
    with pytest.raises(ValueError, match="unknown monitoring edition"):
        SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, edition="gold")


_LATE = {
    "include_defaults": False,
    "rooms": [
        {
            "room": 4321,
            "started_minutes_ago": 5,
            # 290 s into a room started 300 s ago: they joined (left) 10 s ago.
            "users": ["host", {"id": "newbie", "join_minute": 290 / 60}],
        },
        {
            "room": 4322,
            "started_minutes_ago": 5,
            "users": ["anchor", {"id": "leaver", "leave_minute": 290 / 60}],
        },
    ],
}


async def _users(client: TrtcClient, room: str, now: int) -> dict[str, bool]:
    """Who DescribeUserInfo lists in the room's call, and whether they have left."""
    (call,) = [c async for c in client.rooms(APP, now - 3600, now, room_id=room)]
    users = client.users(APP, call.comm_id, now - 3600, now)
    return {u.user_id: u.finished async for u in users}


async def test_history_lags_behind_joins_and_leaves() -> None:
    """With a 60 s lag, a user who joined 10 s ago is not listed yet, and one who left
    10 s ago still shows as present; once the clock passes the lag, both are right."""
    clock = Clock()
    scenario = parse_scenario(_LATE)
    async with _client(clock, scenario=scenario, history_lag_s=60) as client:
        now = int(clock())
        assert await _users(client, "4321", now) == {"host": False}
        assert await _users(client, "4322", now) == {"anchor": False, "leaver": False}
        clock.advance(51)
        now = int(clock())
        assert await _users(client, "4321", now) == {"host": False, "newbie": False}
        assert await _users(client, "4322", now) == {"anchor": False, "leaver": True}


async def test_without_a_lag_history_is_current() -> None:
    clock = Clock()
    async with _client(clock, scenario=parse_scenario(_LATE)) as client:
        now = int(clock())
        assert await _users(client, "4321", now) == {"host": False, "newbie": False}


async def test_a_scenario_sets_edition_and_lag_and_the_config_overrides_it() -> None:
    scenario = parse_scenario({**_LATE, "edition": "standard", "history_lag_s": 30})
    base = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, scenario=scenario)
    assert (base.archive().edition.name, base.archive().lag_s) == ("basic", 30)
    mine = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, scenario=scenario, edition="premium"
    )
    assert mine.archive().edition.name == "advanced"
