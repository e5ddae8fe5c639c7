"""The simulator answers as one site: its actions, its regions, its metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from bot.settings import Site
from bot.trtc.simulator import serve_simulator
from tests.trtc.simulator.conftest import APP, NOW, frozen_config
from tests.trtc.simulator.wire import Wire

BLOCK = {"SdkAppId": APP, "RoomId": 1234, "UserId": "bob", "IsMute": 1}
STR_BLOCK = {"SdkAppId": APP, "StrRoomId": "standup", "UserId": "bob", "IsMute": 1}
SCALE = {"SdkAppId": APP, "StartTime": NOW - 3600, "EndTime": NOW}


@asynccontextmanager
async def _wire(site: Site | None) -> AsyncIterator[Wire]:
    async with (
        serve_simulator(frozen_config(site=site)) as running,
        aiohttp.ClientSession() as session,
    ):
        yield Wire(session, running)


async def _detail(wire: Wire, data_types: list[str]) -> str | None:
    room = wire.running.simulator.world.room(APP, 1234)
    assert room is not None
    params = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": NOW - 600, "EndTime": NOW,
              "UserIds": ["alice"], "DataType": data_types}  # fmt: skip
    return (await wire.call("DescribeCallDetailInfo", params)).code


@pytest.mark.parametrize(
    ("action", "params"), [("SetUserBlocked", BLOCK), ("SetUserBlockedByStrRoomId", STR_BLOCK)]
)
async def test_the_mainland_has_no_set_user_blocked(action: str, params: dict[str, object]) -> None:
    """InvalidAction, in every region, and nothing changes."""
    async with _wire(Site.MAINLAND) as wire:
        for region in ("ap-guangzhou", "ap-singapore"):
            answer = await wire.call(action, params, region=region)
            assert answer.code == "InvalidAction"
            assert "mainland site" in answer.message
        state = wire.running.simulator.world.user_state(APP, 1234, "bob")
        assert state is not None and state.is_mute == 0


@pytest.mark.parametrize("site", [Site.INTL, None])
async def test_the_international_site_blocks(site: Site | None) -> None:
    async with _wire(site) as wire:
        assert (await wire.call("SetUserBlocked", BLOCK, region="ap-singapore")).code is None


@pytest.mark.parametrize(
    ("site", "action", "region", "code"),
    [
        (Site.MAINLAND, "DescribeScaleInfo", "ap-beijing", None),
        (Site.MAINLAND, "DescribeScaleInfo", "ap-singapore", "UnsupportedRegion"),
        (Site.MAINLAND, "DescribeScaleInfo", "na-toronto", "UnsupportedRegion"),
        (Site.INTL, "DescribeScaleInfo", "na-toronto", None),
        (Site.INTL, "DescribeScaleInfo", "ap-mumbai", None),
        (None, "DescribeScaleInfo", "na-toronto", None),
        (Site.MAINLAND, "DismissRoom", "ap-mumbai", None),  # an older mainland page
        (Site.MAINLAND, "DismissRoomByStrRoomId", "ap-singapore", "UnsupportedRegion"),
        (Site.INTL, "DismissRoom", "ap-singapore", None),
        (Site.INTL, "DismissRoom", "ap-mumbai", "UnsupportedRegion"),
    ],
)
async def test_regions_per_site(site: Site | None, action: str, region: str, code: str) -> None:
    params = SCALE if action.startswith("Describe") else {"SdkAppId": APP, "RoomId": 1234}
    if action == "DismissRoomByStrRoomId":
        params = {"SdkAppId": APP, "RoomId": "standup"}
    async with _wire(site) as wire:
        assert (await wire.call(action, params, region=region)).code == code


async def test_mainland_only_metrics_are_refused_on_the_international_site() -> None:
    async with _wire(Site.INTL) as wire:
        assert await _detail(wire, ["aLoss", "bigvLoss", "appCpu"]) is None
        for metric in ("rtt", "aCapEnergy", "aPlayEnergy", "bigvRecFps"):
            assert await _detail(wire, ["aLoss", metric]) == "InvalidParameter"
    for site in (Site.MAINLAND, None):
        async with _wire(site) as wire:
            assert await _detail(wire, ["rtt", "bigvRecFps"]) is None
