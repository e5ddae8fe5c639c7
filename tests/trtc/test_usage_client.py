"""The usage client: windows split as documented, answers folded per day, the CSV read
exactly as documented, DescribeTrtcRoomUsage paced."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.trtc.client import TrtcClient
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from bot.trtc.usage import UsageApi, UsageTable, beijing_date, date_windows, parse_room_csv
from tests.support.credentials import SECRET_ID, SECRET_KEY

APP = 1400000001


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None)
    async with serve_simulator(config) as running:
        yield running


@pytest.fixture
async def client(sim: RunningSimulator) -> AsyncIterator[TrtcClient]:
    async with TrtcClient.create(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
    ) as trtc:
        yield trtc


def test_date_windows_are_31_days_at_most() -> None:
    """40 days become 31 and 9, end dates included, nothing lost or repeated."""
    start = date(2026, 1, 1)
    got = list(date_windows(start, start + timedelta(days=39)))
    assert got == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 9)),
    ]


def test_the_room_csv_is_read_as_documented() -> None:
    """The official example's header (lower-case ``hd``), a quoted room id, seconds kept."""
    rows = parse_room_csv(
        'RoomId,Audio,SD,hd,FullHD,2K,4K\ntest_room,1,2,3,4,5,6\n"a,b",0,0,60,0,0,0\n'
    )
    assert [r.room for r in rows] == ["test_room", "a,b"]
    assert rows[0].seconds == {"Audio": 1, "SD": 2, "HD": 3, "FullHD": 4, "2K": 5, "4K": 6}
    assert rows[1].minutes == 1.0


def test_five_minute_points_fold_into_days() -> None:
    """Points of one day add up; relay bandwidth takes the day's peak instead."""
    table = UsageTable(
        ("Bandwidth",),
        (("2026-12-01 00:00:00", (1.0,)), ("2026-12-01 00:05:00", (3.0,))),
    )
    assert table.per_day() == {date(2026, 12, 1): {"Bandwidth": 4.0}}
    assert table.per_day(max) == {date(2026, 12, 1): {"Bandwidth": 3.0}}


async def test_a_long_range_is_split_into_31_day_queries(
    client: TrtcClient, sim: RunningSimulator
) -> None:
    """40 days: two DescribeTrtcUsage requests, 40 daily points back, none refused."""
    end = beijing_date(time.time())
    start = end - timedelta(days=39)
    table = await client.usage.trtc(start, end, APP)
    sent = [r.params for r in sim.simulator.requests]
    assert [(p["StartTime"], p["EndTime"]) for p in sent] == [
        (start.isoformat(), (start + timedelta(days=30)).isoformat()),
        ((start + timedelta(days=31)).isoformat(), end.isoformat()),
    ]
    assert len(table.per_day()) == 40
    assert all(r.error_code is None for r in sim.simulator.requests)


async def test_room_usage_is_paced(client: TrtcClient, sim: RunningSimulator) -> None:
    """Two days of rooms: two requests, the second after the interval, each one Beijing day."""
    api = UsageApi(client.transport, room_interval_s=0.3)
    day = beijing_date(time.time()) - timedelta(days=2)
    began = time.monotonic()
    first = await api.rooms(APP, day)
    await api.rooms(APP, day - timedelta(days=1))
    assert time.monotonic() - began >= 0.3
    assert any(r.room == "4242" for r in first)  # the default world's spike day
    params = sim.simulator.requests[0].params
    assert params == {
        "SdkAppid": APP,
        "StartTime": f"{day.isoformat()} 00:00",
        "EndTime": f"{day.isoformat()} 23:59",
    }
