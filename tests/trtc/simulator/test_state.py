"""State changes through the API and how the history APIs then tell what happened."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.trtc.simulator import LeaveReason, RunningSimulator, serve_simulator
from tests.trtc.simulator.conftest import APP, NOW, frozen_config
from tests.trtc.simulator.wire import Wire


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
async def moving() -> AsyncIterator[tuple[Wire, Clock]]:
    clock = Clock(NOW)
    async with (
        serve_simulator(frozen_config(clock=clock)) as running,
        aiohttp.ClientSession() as session,
    ):
        yield Wire(session, running), clock


def _history(wire: Wire, room_id: int | str = 1234, app: int = APP) -> dict[str, Any]:
    call = wire.running.simulator.world.room(app, room_id)
    assert call is not None
    return {"SdkAppId": app, "CommId": call.comm_id, "StartTime": call.create_ts, "EndTime": NOW}


async def test_remove_user_is_visible_in_every_history_api(
    moving: tuple[Wire, Clock],
) -> None:
    """A kicked user leaves now: LeaveTs, Finished, 7001 ParamOne 2, no more samples."""
    wire, clock = moving
    world = wire.running.simulator.world
    history = _history(wire)
    kick = {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["bob"]}
    assert (await wire.call("RemoveUser", kick)).code is None
    state = world.user_state(APP, 1234, "bob")
    assert state is not None
    assert not state.present
    assert state.leave_reason is LeaveReason.KICKED
    room = world.room(APP, 1234)
    assert room is not None
    assert "bob" not in room.present_user_ids()
    assert [(c.action, c.user_id, c.time) for c in world.log] == [("RemoveUser", "bob", NOW)]

    clock.t = NOW + 120
    later = {**history, "EndTime": NOW + 120}
    users = await wire.call("DescribeUserInfo", {**later, "PageNumber": 0, "PageSize": 100})
    bob = next(u for u in users.response["UserList"] if u["UserId"] == "bob")
    alice = next(u for u in users.response["UserList"] if u["UserId"] == "alice")
    assert (bob["Finished"], bob["LeaveTs"]) == (True, NOW)
    assert (alice["Finished"], alice["LeaveTs"]) == (False, NOW + 120)
    events = await wire.call("DescribeUserEvent", {**later, "UserId": "bob", "RoomId": "1234"})
    last = events.response["Data"][0]["Content"][-1]
    assert (last["EventId"], last["ParamOne"], last["Time"]) == (7001, 2, NOW * 1000)
    detail = await wire.call(
        "DescribeCallDetailInfo",
        {**later, "StartTime": NOW - 600, "UserIds": ["bob"], "DataType": ["rtt"]},
    )
    times = [p["Time"] for p in detail.response["Data"][0]["Content"]]
    assert times[-1] < NOW


async def test_dismiss_room_ends_it(moving: tuple[Wire, Clock]) -> None:
    """DismissRoom kicks everyone, ends the room now, and a second dismiss finds no room."""
    wire, clock = moving
    world = wire.running.simulator.world
    history = _history(wire)
    present = world.room(APP, 1234)
    assert present is not None
    members = present.present_user_ids()
    assert (await wire.call("DismissRoom", {"SdkAppId": APP, "RoomId": 1234})).code is None
    assert world.room(APP, 1234) is None
    assert APP in world.apps
    again = await wire.call("DismissRoom", {"SdkAppId": APP, "RoomId": 1234})
    assert again.code == "FailedOperation.RoomNotExist"
    kick = await wire.call("RemoveUser", {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["alice"]})
    assert kick.code == "FailedOperation.RoomNotExist"

    clock.t = NOW + 60
    rooms = await wire.call(
        "DescribeRoomInfo",
        {"SdkAppId": APP, "StartTime": NOW - 600, "EndTime": NOW + 60, "RoomId": "1234"},
    )
    (state,) = [r for r in rooms.response["RoomList"] if r["CommId"] == history["CommId"]]
    assert (state["IsFinished"], state["DestroyTime"]) == (True, NOW)
    users = await wire.call("DescribeUserInfo", {**history, "PageNumber": 0, "PageSize": 100})
    assert all(u["Finished"] for u in users.response["UserList"])
    for user in members:
        events = await wire.call("DescribeUserEvent", {**history, "UserId": user, "RoomId": "1234"})
        kinds = [(e["EventId"], e["ParamOne"]) for e in events.response["Data"][0]["Content"]]
        assert kinds[-1] == (7001, 2)


async def test_set_user_blocked_records_is_mute(moving: tuple[Wire, Clock]) -> None:
    """IsMute 0-3 is kept per user; an audio block silences the upstream audio bitrate."""
    wire, clock = moving
    world = wire.running.simulator.world
    history = _history(wire)
    for value in (3, 0, 2):
        block = {"SdkAppId": APP, "RoomId": 1234, "UserId": "alice", "IsMute": value}
        assert (await wire.call("SetUserBlocked", block)).code is None
        state = world.user_state(APP, 1234, "alice")
        assert state is not None
        assert state.is_mute == value
    str_block = {"SdkAppId": APP, "StrRoomId": "standup", "UserId": "heidi", "IsMute": 1}
    assert (await wire.call("SetUserBlockedByStrRoomId", str_block)).code is None
    heidi = world.member(APP, "standup", "heidi")
    assert heidi is not None
    assert heidi.is_mute == 1
    assert [c.detail for c in world.log] == ["IsMute=3", "IsMute=0", "IsMute=2", "IsMute=1"]

    clock.t = NOW + 60
    params = {**history, "StartTime": NOW - 60, "EndTime": NOW + 60, "UserIds": ["alice"]}
    detail = await wire.call("DescribeCallDetailInfo", {**params, "DataType": ["aBit", "bigvBit"]})
    series = {(d["DataType"], d["PeerId"]): d["Content"] for d in detail.response["Data"]}
    audio = series[("aBit", "")]
    video = series[("bigvBit", "")]
    assert all(p["Value"] > 30_000 for p in audio if p["Time"] < NOW)
    assert all(p["Value"] == 0 for p in audio if p["Time"] >= NOW)
    assert all(p["Value"] > 100_000 for p in video if p["Time"] >= NOW)


async def test_numeric_and_string_rooms_are_separate(wire: Wire, frozen: RunningSimulator) -> None:
    """String room "1234" is not numeric room 1234, and app 1400000002's 1234 is another room."""
    world = frozen.simulator.world
    missing = await wire.call("DismissRoomByStrRoomId", {"SdkAppId": APP, "RoomId": "1234"})
    assert missing.code == "FailedOperation.RoomNotExist"
    assert world.room(APP, 1234) is not None
    other = await wire.call("DismissRoom", {"SdkAppId": 1400000002, "RoomId": 1234})
    assert other.code is None
    assert world.room(1400000002, 1234) is None
    assert world.room(APP, 1234) is not None


async def test_kicking_the_last_users_ends_the_room(wire: Wire, frozen: RunningSimulator) -> None:
    """A room whose last user is removed is finished, as TRTC rooms close when empty."""
    world = frozen.simulator.world
    room = world.room(APP, "standup")
    assert room is not None
    users = room.present_user_ids()
    kick = {"SdkAppId": APP, "RoomId": "standup", "UserIds": users}
    assert (await wire.call("RemoveUserByStrRoomId", kick)).code is None
    assert world.room(APP, "standup") is None
    assert room.end_ts(NOW) == NOW
    assert [c.user_id for c in world.log] == users
