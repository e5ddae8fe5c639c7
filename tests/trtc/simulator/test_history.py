"""The history APIs over the default world: paging, windows, events, daily scale."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp

from bot.trtc.simulator import RunningSimulator, parse_scenario, serve_simulator
from tests.trtc.simulator.conftest import APP, NOW, frozen_config
from tests.trtc.simulator.wire import Wire

DAY = 86400


async def _pages(
    wire: Wire, action: str, params: dict[str, Any], key: str, size: int
) -> list[list[Any]]:
    pages: list[list[Any]] = []
    while True:
        answer = await wire.call(action, {**params, "PageNumber": len(pages), "PageSize": size})
        assert answer.code is None, answer.text
        page = answer.response[key]
        assert answer.response["Total"] == len(page)
        pages.append(page)
        if len(page) < size:
            return pages


async def test_room_listing_pages_like_one_big_page(wire: Wire) -> None:
    """PageSize 10 walks several pages, ending on a short page, and matches PageSize 100."""
    window = {"SdkAppId": APP, "StartTime": NOW - DAY, "EndTime": NOW}
    pages = await _pages(wire, "DescribeRoomInfo", window, "RoomList", 10)
    (big,) = await _pages(wire, "DescribeRoomInfo", window, "RoomList", 100)
    assert len(pages) >= 4
    flat = [r for page in pages for r in page]
    assert [r["CommId"] for r in flat] == [r["CommId"] for r in big]
    assert len({r["CommId"] for r in flat}) == len(flat)
    assert [r["CreateTime"] for r in flat] == sorted((r["CreateTime"] for r in flat), reverse=True)
    live = [r for r in flat if not r["IsFinished"]]
    assert len(live) >= 22
    assert all(r["DestroyTime"] == NOW for r in live)
    finished = [r for r in flat if r["IsFinished"]]
    assert finished
    assert all(r["CreateTime"] < r["DestroyTime"] <= NOW for r in finished)


async def test_finished_calls_spread_over_three_days(frozen: RunningSimulator) -> None:
    """About 50 finished calls of the default app lie in the last 3 days, CommIds well formed."""
    world = frozen.simulator.world
    finished = [c for c in world.calls(APP) if c.end_ts(NOW) is not None]
    assert 45 <= len(finished) <= 60
    assert all(c.create_ts >= NOW - 3 * DAY - 3600 for c in finished)
    for call in finished:
        assert call.comm_id == f"{APP}_{call.room_id}_{call.create_ts}"
    earlier = [c for c in finished if c.room_id == "standup"]
    assert len(earlier) == 3


async def test_room_filter_matches_the_string_form(wire: Wire) -> None:
    """RoomId filters on RoomString; "1234" lists the live call and its earlier session."""
    params = {"SdkAppId": APP, "StartTime": NOW - 20 * 3600, "EndTime": NOW, "RoomId": "1234"}
    rooms = (await wire.call("DescribeRoomInfo", params)).response["RoomList"]
    assert [r["IsFinished"] for r in rooms] == [False, True]
    assert {r["RoomString"] for r in rooms} == {"1234"}
    assert rooms[0]["UserId"] == "alice"


async def test_users_of_the_big_room_page_by_100(wire: Wire, frozen: RunningSimulator) -> None:
    """The 1,000-user room pages through DescribeUserInfo; the default page is 6 users."""
    room = frozen.simulator.world.room(APP, 8888)
    assert room is not None
    params = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": NOW - 3600, "EndTime": NOW}
    default = await wire.call("DescribeUserInfo", params)
    assert len(default.response["UserList"]) == 6
    pages = await _pages(wire, "DescribeUserInfo", params, "UserList", 100)
    users = [u for page in pages for u in page]
    assert len(users) == 1000
    assert len({u["UserId"] for u in users}) == 1000
    left = [u for u in users if u["Finished"]]
    assert left
    assert all(u["LeaveTs"] < NOW for u in left)
    assert all(u["DeviceType"] in {"ios", "android", "windows", "mac", "web"} for u in users)


async def test_user_events_tell_the_default_story(wire: Wire, frozen: RunningSimulator) -> None:
    """erin (web) timed out at minute 12; dave switched Wi-Fi → 4G at minute 3 (§10 ids)."""
    room = frozen.simulator.world.room(APP, 1234)
    assert room is not None
    base = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": room.create_ts - 60,
            "EndTime": NOW, "RoomId": "1234"}  # fmt: skip
    erin = (await wire.call("DescribeUserEvent", {**base, "UserId": "erin"})).response["Data"]
    assert [g["PeerId"] for g in erin] == ["erin"]
    content = erin[0]["Content"]
    assert [e["Time"] for e in content] == sorted(e["Time"] for e in content)
    assert 32788 in {e["EventId"] for e in content}  # WebRTC: entered room
    assert content[-1] == {
        "Type": 0, "Time": (room.create_ts + 720) * 1000, "EventId": 7001, "ParamOne": 1,
        "ParamTwo": -1,
    }  # fmt: skip
    dave = (await wire.call("DescribeUserEvent", {**base, "UserId": "dave"})).response["Data"]
    network = [(e["ParamOne"], e["Time"]) for e in dave[0]["Content"] if e["EventId"] == 1003]
    switch = (room.create_ts + 180) * 1000
    assert [p for p, _ in network] == [1, 0, 2]
    assert network[-1][1] == switch
    assert {5001, 5003, 7000, 4003} <= {e["EventId"] for e in dave[0]["Content"]}
    alice = (await wire.call("DescribeUserEvent", {**base, "UserId": "alice"})).response["Data"]
    resolution = next(e for e in alice[0]["Content"] if e["EventId"] == 4003)
    assert (resolution["Type"], resolution["ParamOne"], resolution["ParamTwo"]) == (2, 1280, 720)


async def test_event_window_is_clipped(wire: Wire, frozen: RunningSimulator) -> None:
    """Only events inside [StartTime, EndTime] (ms) are returned."""
    room = frozen.simulator.world.room(APP, 1234)
    assert room is not None
    start = room.create_ts + 170
    params = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": start,
              "EndTime": start + 20, "RoomId": "1234", "UserId": "dave"}  # fmt: skip
    data = (await wire.call("DescribeUserEvent", params)).response["Data"]
    times = [e["Time"] for e in data[0]["Content"]]
    assert times
    assert all(start * 1000 <= t <= (start + 20) * 1000 + 999 for t in times)


async def test_call_detail_series_shape(wire: Wire, frozen: RunningSimulator) -> None:
    """Samples every 2 s inside the window; upstream PeerId "", downstream one per peer."""
    room = frozen.simulator.world.room(APP, 1234)
    assert room is not None
    params = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": NOW - 300, "EndTime": NOW,
              "UserIds": ["alice"], "DataType": ["aLoss", "appCpu", "aBlock"]}  # fmt: skip
    answer = await wire.call("DescribeCallDetailInfo", params)
    data = answer.response["Data"]
    assert [u["UserId"] for u in answer.response["UserList"]] == ["alice"]
    by_kind = {(d["DataType"], d["PeerId"]) for d in data}
    assert ("aLoss", "") in by_kind
    assert ("appCpu", "") in by_kind
    assert ("aBlock", "") not in by_kind  # stutter is only measured on what is received
    peers = {p for kind, p in by_kind if kind == "aBlock"}
    assert peers == {"bob", "carol", "dave", "frank"}
    for series in data:
        times = [p["Time"] for p in series["Content"]]
        assert times[0] >= NOW - 300
        assert times[-1] <= NOW
        assert all(b - a == 2 for a, b in itertools.pairwise(times))
        assert all(isinstance(p["Value"], float) for p in series["Content"])


async def test_all_data_types(wire: Wire, frozen: RunningSimulator) -> None:
    """DataType "all" returns every one of the 17 metrics for a publishing user."""
    room = frozen.simulator.world.room(APP, 1234)
    assert room is not None
    params = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": NOW - 30, "EndTime": NOW,
              "UserIds": ["bob"], "DataType": ["all"]}  # fmt: skip
    data = (await wire.call("DescribeCallDetailInfo", params)).response["Data"]
    assert len({d["DataType"] for d in data}) == 17


async def test_scale_info_daily_buckets(wire: Wire, frozen: RunningSimulator) -> None:
    """Days start at 00:00 UTC+8, today is never returned, counts follow the calls."""
    params = {"SdkAppId": APP, "StartTime": NOW - 7 * DAY, "EndTime": NOW}
    answer = await wire.call("DescribeScaleInfo", params)
    days = answer.response["ScaleList"]
    assert answer.response["Total"] == len(days) == 7
    assert all((d["Time"] + 8 * 3600) % DAY == 0 for d in days)
    assert days[-1]["Time"] + DAY > NOW - DAY
    assert days[-1]["Time"] + DAY <= NOW
    assert days[0]["RoomNumbers"] == 0
    assert sum(d["RoomNumbers"] for d in days) > 20
    assert all(d["UserCount"] >= d["UserNumber"] for d in days)


async def test_scale_counts_a_user_once_and_every_entry() -> None:
    """sam in two rooms on one day: UserNumber counts sam once, UserCount both entries;
    the keys come in the documented order (Time, RoomNumbers, UserNumber, UserCount)."""
    room = {"started_minutes_ago": 2 * 24 * 60, "ended_minutes_ago": 2 * 24 * 60 - 30}
    scenario = parse_scenario(
        {
            "include_defaults": False,
            "rooms": [
                {**room, "room": 41, "users": ["sam", "tess"]},
                {**room, "room": 42, "users": ["sam"]},
            ],
        }
    )
    async with (
        serve_simulator(frozen_config(scenario=scenario)) as running,
        aiohttp.ClientSession() as session,
    ):
        wire = Wire(session, running)
        params = {"SdkAppId": APP, "StartTime": NOW - 4 * DAY, "EndTime": NOW}
        answer = await wire.call("DescribeScaleInfo", params)
    [day] = [d for d in answer.response["ScaleList"] if d["RoomNumbers"]]
    assert list(day) == ["Time", "RoomNumbers", "UserNumber", "UserCount"]
    assert (day["RoomNumbers"], day["UserNumber"], day["UserCount"]) == (2, 2, 3)


async def test_user_events_are_grouped_by_the_sender(wire: Wire, frozen: RunningSimulator) -> None:
    """As the documented example: the user's own events under their id, the first video
    packet and frame received from each other publisher under that publisher's id."""
    room = frozen.simulator.world.room(APP, 1234)
    assert room is not None
    base = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": room.create_ts - 60,
            "EndTime": NOW, "RoomId": "1234", "UserId": "dave"}  # fmt: skip
    groups = (await wire.call("DescribeUserEvent", base)).response["Data"]
    assert groups[0]["PeerId"] == "dave"
    peers = {g["PeerId"]: [e["EventId"] for e in g["Content"]] for g in groups[1:]}
    publishers = {m.user_id for m in room.members.values() if m.publishes and m.user_id != "dave"}
    assert peers and set(peers) <= publishers
    assert all(ids == [5006, 5007] for ids in peers.values())
    assert not {5006, 5007} & {e["EventId"] for e in groups[0]["Content"]}
