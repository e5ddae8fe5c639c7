"""Scenario files: validated with clear errors, and their scripted truth shows in the APIs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from statistics import mean
from typing import Any

import aiohttp
import pytest

from bot.trtc.simulator import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    serve_simulator,
)
from tests.trtc.simulator.conftest import NOW, frozen_config
from tests.trtc.simulator.wire import Wire

SCENARIO = """
include_defaults: false
apps: [1400000005]
rooms:
  - sdkappid: 1400000003
    room: 4321
    started_minutes_ago: 20
    users:
      - {id: xavier, device: android, os: "Android 13", sdk: "11.6.0.1", network: wifi}
      - {id: yolanda, device: ios, network: wifi, join_minute: 1}
      - {id: zeno, device: windows, network: wifi}
    script:
      - {kind: loss, user: xavier, media: audio, direction: up, percent: 20,
         from_minute: 5, to_minute: 9}
      - {kind: exit, user: yolanda, at_minute: 12, reason: timeout}
      - {kind: network, user: zeno, at_minute: 3, to: 4g}
  - sdkappid: 1400000003
    room: "retro"
    started_minutes_ago: 300
    ended_minutes_ago: 240
    users: [ann, ben]
"""
APP3 = 1400000003
START = NOW - 20 * 60


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "incident.yaml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture
async def wire(scenario_file: Path) -> AsyncIterator[Wire]:
    config = frozen_config(scenario=load_scenario(scenario_file))
    async with serve_simulator(config) as running, aiohttp.ClientSession() as session:
        yield Wire(session, running)


def _base(wire: Wire) -> dict[str, Any]:
    call = wire.running.simulator.world.room(APP3, 4321)
    assert call is not None
    return {"SdkAppId": APP3, "CommId": call.comm_id}


async def test_scripted_loss_appears_at_the_scripted_minutes(wire: Wire) -> None:
    """20 % upstream audio loss from minute 5 to 9 is in xavier's aLoss, and only there."""
    params = {**_base(wire), "StartTime": START, "EndTime": START + 15 * 60,
              "UserIds": ["xavier"], "DataType": ["aLoss", "bigvLoss"]}  # fmt: skip
    data = (await wire.call("DescribeCallDetailInfo", params)).response["Data"]
    upstream = next(d for d in data if d["DataType"] == "aLoss" and d["PeerId"] == "")
    during = [p["Value"] for p in upstream["Content"] if START + 300 <= p["Time"] < START + 540]
    outside = [
        p["Value"] for p in upstream["Content"] if not START + 300 <= p["Time"] < START + 540
    ]
    assert len(during) == 120
    assert all(17 <= v <= 25 for v in during)
    assert 19 <= mean(during) <= 21.5
    assert mean(outside) < 1.5
    video = next(d for d in data if d["DataType"] == "bigvLoss" and d["PeerId"] == "")
    assert max(p["Value"] for p in video["Content"]) < 5  # audio only
    # Receivers do not lose packets on their downlink, but they hear the stutter.
    down = next(d for d in data if d["DataType"] == "aLoss" and d["PeerId"] == "zeno")
    assert max(p["Value"] for p in down["Content"]) < 5


async def test_receivers_hear_stutter_from_the_lossy_sender(wire: Wire) -> None:
    """zeno's aBlock from xavier rises during xavier's upstream loss."""
    params = {**_base(wire), "StartTime": START, "EndTime": START + 15 * 60,
              "UserIds": ["zeno"], "DataType": ["aBlock"]}  # fmt: skip
    data = (await wire.call("DescribeCallDetailInfo", params)).response["Data"]
    block = next(d for d in data if d["PeerId"] == "xavier")["Content"]
    during = [p["Value"] for p in block if START + 300 <= p["Time"] < START + 540]
    before = [p["Value"] for p in block if p["Time"] < START + 300]
    assert mean(during) > 400
    assert mean(before) < 20


async def test_abnormal_exit_at_minute_twelve(wire: Wire) -> None:
    """yolanda's timeout at minute 12: Finished, LeaveTs, and 5005 then 7001 ParamOne 1."""
    base = {**_base(wire), "StartTime": START, "EndTime": NOW}
    users = (await wire.call("DescribeUserInfo", base)).response["UserList"]
    yolanda = next(u for u in users if u["UserId"] == "yolanda")
    assert (yolanda["Finished"], yolanda["LeaveTs"], yolanda["JoinTs"]) == (
        True, START + 720, START + 60,
    )  # fmt: skip
    assert yolanda["DeviceType"] == "ios"
    xavier = next(u for u in users if u["UserId"] == "xavier")
    assert (xavier["DeviceType"], xavier["SdkVersion"]) == ("android", "11.6.0.1")
    params = {**base, "UserId": "yolanda", "RoomId": "4321"}
    content = (await wire.call("DescribeUserEvent", params)).response["Data"][0]["Content"]
    assert [e["EventId"] for e in content[-2:]] == [5005, 7001]
    assert content[-1]["ParamOne"] == 1
    assert content[-1]["Time"] == (START + 720) * 1000
    state = wire.running.simulator.world.user_state(APP3, 4321, "yolanda")
    assert state is not None
    assert not state.present


async def test_network_switch_at_minute_three(wire: Wire) -> None:
    """zeno's Wi-Fi → 4G at minute 3 is EventId 1003 (ParamOne 2), and his RTT rises."""
    base = {**_base(wire), "StartTime": START, "EndTime": NOW}
    params = {**base, "UserId": "zeno", "RoomId": "4321"}
    content = (await wire.call("DescribeUserEvent", params)).response["Data"][0]["Content"]
    network = [(e["ParamOne"], e["Time"]) for e in content if e["EventId"] == 1003]
    assert network[0][0] == 1
    assert network[-1] == (2, (START + 180) * 1000)
    detail = {**base, "EndTime": START + 360, "UserIds": ["zeno"], "DataType": ["rtt"]}
    (rtt,) = (await wire.call("DescribeCallDetailInfo", detail)).response["Data"]
    before = [p["Value"] for p in rtt["Content"] if p["Time"] < START + 180]
    after = [p["Value"] for p in rtt["Content"] if p["Time"] >= START + 180]
    assert mean(after) > mean(before) + 15


async def test_scenario_apps_and_finished_rooms(wire: Wire) -> None:
    """Without defaults only the scenario's apps exist; an ended room is history only."""
    world = wire.running.simulator.world
    assert world.apps == {APP3, 1400000005}
    assert world.room(1400000001, 1234) is None
    assert world.room(APP3, "retro") is None
    rooms = await wire.call(
        "DescribeRoomInfo", {"SdkAppId": APP3, "StartTime": NOW - 6 * 3600, "EndTime": NOW}
    )
    listed = {r["RoomString"]: r for r in rooms.response["RoomList"]}
    assert listed["retro"]["IsFinished"] is True
    assert listed["retro"]["DestroyTime"] == NOW - 240 * 60
    assert listed["4321"]["IsFinished"] is False
    default = await wire.call(
        "DescribeScaleInfo", {"SdkAppId": 1400000001, "StartTime": NOW - 3600, "EndTime": NOW}
    )
    assert default.code == "InvalidParameter.SdkAppId"


async def test_scenario_room_replaces_a_default_live_room() -> None:
    """A scenario room with a default room's id takes its place; other defaults stay."""
    scenario = parse_scenario({"rooms": [{"room": 1234, "users": ["solo"]}]})
    async with serve_simulator(frozen_config(scenario=scenario)) as running:
        world = running.simulator.world
        room = world.room(1400000001, 1234)
        assert room is not None
        assert room.present_user_ids() == ["solo"]
        assert world.room(1400000001, "standup") is not None


def test_json_scenarios_load(tmp_path: Path) -> None:
    """A .json file is read as JSON, with bare user ids allowed."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"rooms": [{"room": "abc", "users": ["a", {"id": "b"}]}]}))
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario)
    assert [u.id for u in scenario.rooms[0].users] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rooms: [{room: 1, users: [a], script: [{kind: loss, user: z, percent: 5, "
         "from_minute: 1, to_minute: 2}]}]", "rooms.0: Value error, script[0]: user 'z'"),
        ("rooms: [{room: 1, users: [a], script: [{kind: jitter, user: a}]}]",
         "rooms.0.script.0: Input tag 'jitter'"),
        ("rooms: [{room: 1, users: [a], colour: red}]", "rooms.0.colour: Extra inputs"),
        ("rooms: [{room: 1, users: [a, a]}]", "duplicate user ids: a"),
        ("rooms: [{room: 0, users: [a]}]", "rooms.0.room"),
        ("rooms: [{room: 1, users: [a], script: [{kind: loss, user: a, percent: 5, "
         "from_minute: 4, to_minute: 2}]}]", "to_minute must be after from_minute"),
        ("rooms: [{room: 1, users: [{id: a, network: 5g}]}]", "rooms.0.users.0.network"),
        ("rooms: [{room: 1, users: []}]", "rooms.0.users"),
        ("rooms: [{room: 1, users: [a]}, {room: 1, users: [b]}]", "is live twice"),
        ("- just a list", "a scenario must be a mapping"),
        ("rooms: [unclosed", "not valid"),
    ],
)  # fmt: skip
def test_invalid_scenarios_are_refused_with_file_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Each mistake is named with the file and the path of the bad field."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    """A scenario path that does not exist is reported, not a traceback."""
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "nope.yaml")


async def test_scheduled_joins_and_exits_happen_as_the_clock_moves() -> None:
    """A join or exit scripted after "now" takes effect once the clock passes it."""
    clock = [float(NOW)]
    scenario = parse_scenario(
        {
            "include_defaults": False,
            "rooms": [
                {
                    "room": 55,
                    "started_minutes_ago": 5,
                    "users": ["host", {"id": "late", "join_minute": 10}],
                    "script": [{"kind": "exit", "user": "host", "at_minute": 8}],
                }
            ],
        }
    )
    config = frozen_config(scenario=scenario, clock=lambda: clock[0])
    async with serve_simulator(config) as running, aiohttp.ClientSession() as session:
        wire = Wire(session, running)
        world = running.simulator.world
        room = world.room(1400000001, 55)
        assert room is not None
        window = {"SdkAppId": 1400000001, "CommId": room.comm_id, "StartTime": NOW - 300}
        users = await wire.call("DescribeUserInfo", {**window, "EndTime": NOW + 3600})
        assert [u["UserId"] for u in users.response["UserList"]] == ["host"]
        clock[0] = NOW + 6 * 60
        assert room.present_user_ids() == ["late"]
        users = await wire.call("DescribeUserInfo", {**window, "EndTime": NOW + 360})
        listed = {u["UserId"]: u["Finished"] for u in users.response["UserList"]}
        assert listed == {"host": True, "late": False}
