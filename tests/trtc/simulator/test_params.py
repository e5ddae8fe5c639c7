"""Parameter validation: the exact error codes the reference lists per action."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.trtc.simulator import RunningSimulator
from tests.trtc.simulator.conftest import APP, NOW
from tests.trtc.simulator.wire import Wire

UNKNOWN_APP = 1400009999
FOREIGN_APP = 1400000099
DAY = 86400
WINDOW = {"StartTime": NOW - 3600, "EndTime": NOW}
KICK = {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["alice"]}
BLOCK = {"SdkAppId": APP, "RoomId": 1234, "UserId": "bob", "IsMute": 1}
STR_BLOCK = {"SdkAppId": APP, "StrRoomId": "standup", "UserId": "grace", "IsMute": 1}
ROOMS = {"SdkAppId": APP, **WINDOW}
USERS = {"SdkAppId": APP, "CommId": "COMM", **WINDOW}
EVENT = {**USERS, "UserId": "alice", "RoomId": "1234"}

CASES: list[tuple[str, dict[str, Any], str]] = [
    # shape: unknown, missing, wrong JSON types
    ("RemoveUser", {**KICK, "Foo": 1}, "UnknownParameter"),
    ("RemoveUser", {}, "MissingParameter.SdkAppId"),
    ("RemoveUser", {"SdkAppId": APP}, "MissingParameter.RoomId"),
    ("RemoveUser", {"SdkAppId": APP, "RoomId": 1234}, "MissingParameter.UserIds"),
    ("RemoveUser", {**KICK, "UserIds": None}, "MissingParameter.UserIds"),
    ("RemoveUser", {**KICK, "RoomId": "1234"}, "InvalidParameter"),
    ("RemoveUser", {**KICK, "SdkAppId": str(APP)}, "InvalidParameter"),
    ("RemoveUser", {**KICK, "SdkAppId": True}, "InvalidParameter"),
    ("RemoveUser", {**KICK, "RoomId": 1234.0}, "InvalidParameter"),
    ("RemoveUser", {**KICK, "UserIds": "alice"}, "InvalidParameter"),
    ("RemoveUser", {**KICK, "UserIds": [7]}, "InvalidParameter"),
    # values
    ("RemoveUser", {**KICK, "UserIds": []}, "MissingParameter.UserIds"),
    ("RemoveUser", {**KICK, "RoomId": 0}, "InvalidParameterValue.RoomId"),
    ("RemoveUser", {**KICK, "RoomId": 4294967295}, "InvalidParameterValue.RoomId"),
    ("RemoveUser", {**KICK, "UserIds": [f"u{i}" for i in range(11)]}, "InvalidParameter.UserIds"),
    ("RemoveUser", {**KICK, "UserIds": ["x" * 33]}, "InvalidParameter.UserIds"),
    ("RemoveUser", {**KICK, "SdkAppId": UNKNOWN_APP}, "InvalidParameter.SdkAppId"),
    ("RemoveUser", {**KICK, "SdkAppId": FOREIGN_APP}, "UnauthorizedOperation.SdkAppId"),
    # history documents no UnauthorizedOperation.SdkAppId: another account's app is invalid
    ("DescribeRoomInfo", {**ROOMS, "SdkAppId": FOREIGN_APP}, "InvalidParameter.SdkAppId"),
    ("RemoveUser", {**KICK, "RoomId": 4321}, "FailedOperation.RoomNotExist"),
    ("RemoveUserByStrRoomId", {**KICK, "RoomId": 1234}, "InvalidParameter"),
    ("RemoveUserByStrRoomId", {**KICK, "RoomId": "1234"}, "FailedOperation.RoomNotExist"),
    ("RemoveUserByStrRoomId", {**KICK, "RoomId": "a/b"}, "InvalidParameter.RoomId"),
    ("RemoveUserByStrRoomId", {**KICK, "RoomId": ""}, "InvalidParameter.RoomId"),
    ("DismissRoom", {"SdkAppId": APP}, "MissingParameter.RoomId"),
    ("DismissRoom", {"SdkAppId": APP, "RoomId": 99}, "FailedOperation.RoomNotExist"),
    ("DismissRoomByStrRoomId", {"SdkAppId": APP, "RoomId": "gone"}, "FailedOperation.RoomNotExist"),
    ("SetUserBlocked", {**BLOCK, "UserId": None}, "MissingParameter"),
    ("SetUserBlocked", {**BLOCK, "IsMute": 4}, "InvalidParameter"),
    ("SetUserBlocked", {**BLOCK, "UserId": ""}, "InvalidParameter.UserId"),
    ("SetUserBlocked", {**BLOCK, "UserId": "nobody"}, "FailedOperation.UserNotExist"),
    ("SetUserBlocked", {**BLOCK, "UserId": "erin"}, "FailedOperation.UserNotExist"),  # left
    ("SetUserBlocked", {**BLOCK, "SdkAppId": UNKNOWN_APP}, "FailedOperation.SdkAppIdNotExist"),
    ("SetUserBlocked", {**BLOCK, "RoomId": 4321}, "FailedOperation.RoomNotExist"),
    ("SetUserBlockedByStrRoomId", {**STR_BLOCK, "RoomId": "standup"}, "UnknownParameter"),
    ("SetUserBlockedByStrRoomId", {**STR_BLOCK, "StrRoomId": None}, "MissingParameter.RoomId"),
    ("SetUserBlockedByStrRoomId", {**STR_BLOCK, "UserId": None}, "MissingParameter.UserId"),
    # history: times, paging, sizes
    ("DescribeRoomInfo", {"SdkAppId": APP}, "MissingParameter.StartTs"),
    ("DescribeRoomInfo", {"SdkAppId": APP, "StartTime": NOW}, "MissingParameter.EndTs"),
    (
        "DescribeRoomInfo",
        {**ROOMS, "StartTime": NOW - DAY - 1},
        "InvalidParameter.QueryScaleOversize",
    ),
    (
        "DescribeRoomInfo",
        {**ROOMS, "StartTime": NOW - 14 * DAY - 1, "EndTime": NOW - 14 * DAY},
        "InvalidParameter.StartTsOversize",
    ),
    ("DescribeRoomInfo", {**ROOMS, "EndTime": NOW - 7200}, "InvalidParameter.EndTs"),
    (
        "DescribeRoomInfo",
        {**ROOMS, "PageSize": 101, "PageNumber": 0},
        "InvalidParameter.PageSizeOversize",
    ),
    ("DescribeRoomInfo", {**ROOMS, "PageSize": 0, "PageNumber": 0}, "InvalidParameter.PageSize"),
    ("DescribeRoomInfo", {**ROOMS, "PageNumber": -1}, "InvalidParameter.PageNumber"),
    ("DescribeRoomInfo", {**ROOMS, "RoomId": 1234}, "InvalidParameter"),
    ("DescribeRoomInfo", {**ROOMS, "SdkAppId": UNKNOWN_APP}, "InvalidParameter.SdkAppId"),
    ("DescribeUserInfo", {**USERS, "CommId": None}, "MissingParameter.CommId"),
    (
        "DescribeUserInfo",
        {**USERS, "StartTime": NOW - 4 * 3600 - 1},
        "InvalidParameter.QueryScaleOversize",
    ),
    ("DescribeUserInfo", {**USERS, "CommId": "garbage"}, "InvalidParameter"),
    ("DescribeUserInfo", {**USERS, "UserIds": [f"u{i}" for i in range(101)]}, "InvalidParameter"),
    (
        "DescribeCallDetailInfo",
        {**USERS, "DataType": ["aLoss"], "UserIds": list("abcdefg")},
        "InvalidParameter.UserIdsMorethanSix",
    ),
    (
        "DescribeCallDetailInfo",
        {**USERS, "DataType": ["aLoss"], "PageNumber": 0, "PageSize": 7},
        "InvalidParameter.PageSizeOversize",
    ),
    ("DescribeCallDetailInfo", {**USERS, "DataType": ["nope"]}, "InvalidParameter"),
    (
        "DescribeCallDetailInfo",
        {**USERS, "StartTime": NOW - 5 * 3600},
        "InvalidParameter.QueryScaleOversize",
    ),
    ("DescribeUserEvent", {**EVENT, "SdkAppId": None}, "MissingParameter.AppId"),
    ("DescribeUserEvent", {**EVENT, "RoomId": None}, "MissingParameter.RoomId"),
    ("DescribeUserEvent", {**EVENT, "UserId": None}, "MissingParameter.UserId"),
    ("DescribeUserEvent", {**EVENT, "RoomId": 1234}, "InvalidParameter"),
    ("DescribeUserEvent", {**EVENT, "SdkAppId": UNKNOWN_APP}, "InvalidParameter"),
    (
        "DescribeUserEvent",
        {**EVENT, "StartTime": NOW - 15 * DAY},
        "InvalidParameter.StartTsOversize",
    ),
    ("DescribeScaleInfo", {"SdkAppId": APP, "StartTime": NOW}, "MissingParameter.EndTs"),
    (
        "DescribeScaleInfo",
        {"SdkAppId": APP, "StartTime": NOW, "EndTime": NOW - 1},
        "InvalidParameter.EndTs",
    ),
    (
        "DescribeScaleInfo",
        {"SdkAppId": APP, "StartTime": NOW - 15 * DAY, "EndTime": NOW},
        "InvalidParameter.StartTsOversize",
    ),
]


def _comm(running: RunningSimulator) -> str:
    room = running.simulator.world.room(APP, 1234)
    assert room is not None
    return room.comm_id


@pytest.mark.parametrize(("action", "params", "code"), CASES)
async def test_error_code(
    wire: Wire, frozen: RunningSimulator, action: str, params: dict[str, Any], code: str
) -> None:
    """A wrong parameter gets the action's documented code, and nothing changes."""
    if params.get("CommId") == "COMM":
        params = {**params, "CommId": _comm(frozen)}
    answer = await wire.call(action, params)
    assert answer.code == code, answer.text
    assert answer.response["RequestId"]
    assert frozen.simulator.world.log == []


@pytest.mark.parametrize(
    ("action", "code"),
    [("RemoveUser", "InvalidParameter"), ("DescribeRoomInfo", "InvalidParameter.BodyParamsError")],
)
@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
async def test_body_that_is_not_a_json_object(
    wire: Wire, action: str, code: str, body: bytes
) -> None:
    """A signed body that is not a JSON object gets the action's body-parse code."""
    assert (await wire.send(wire.sign(action, body), body)).code == code


async def test_messages_name_the_parameter(wire: Wire) -> None:
    """Messages say which parameter is wrong, as TRTC's do."""
    missing = await wire.call("RemoveUser", {"SdkAppId": APP, "UserIds": ["a"]})
    assert missing.message == "The request is missing a required parameter `RoomId`."
    unknown = await wire.call("RemoveUser", {**KICK, "StrRoomId": "x"})
    assert unknown.message == "The parameter `StrRoomId` is not recognized."
    typed = await wire.call("RemoveUser", {**KICK, "UserIds": ["a", 2]})
    assert "`UserIds.1`" in typed.message


async def test_remove_ignores_users_not_in_the_room(wire: Wire, frozen: RunningSimulator) -> None:
    """Removing absent users succeeds; only present ones are kicked."""
    answer = await wire.call("RemoveUser", {**KICK, "UserIds": ["alice", "ghost", "erin"]})
    assert answer.code is None
    assert [(c.action, c.user_id) for c in frozen.simulator.world.log] == [("RemoveUser", "alice")]


async def test_page_size_without_page_number_uses_the_default(wire: Wire) -> None:
    """The docs: if PageNumber or PageSize is omitted, the default page size applies."""
    both = await wire.call("DescribeRoomInfo", {**ROOMS, "PageNumber": 0, "PageSize": 20})
    alone = await wire.call("DescribeRoomInfo", {**ROOMS, "PageSize": 20})
    assert both.response["Total"] == 20
    assert alone.response["Total"] == 10


async def test_call_detail_over_an_hour_with_data_type_returns_null_data(
    wire: Wire, frozen: RunningSimulator
) -> None:
    """Mainland docs: with DataType, a range over 1 h returns null; UserList still comes."""
    params = {**USERS, "CommId": _comm(frozen), "StartTime": NOW - 3601, "DataType": ["rtt"]}
    answer = await wire.call("DescribeCallDetailInfo", params)
    assert answer.code is None
    assert answer.response["Data"] is None
    assert answer.response["UserList"]
    no_types = await wire.call("DescribeCallDetailInfo", {**params, "DataType": None})
    assert no_types.response["Data"] == []


async def test_unknown_comm_id_is_an_empty_answer(wire: Wire) -> None:
    """History for a CommId that never existed is empty, not an error."""
    params = {**USERS, "CommId": f"{APP}_777_{NOW - 100}"}
    users = await wire.call("DescribeUserInfo", params)
    assert users.response["UserList"] == []
    assert users.response["Total"] == 0
    events = await wire.call("DescribeUserEvent", {**EVENT, "CommId": params["CommId"]})
    assert events.response["Data"] == []


async def test_json_null_counts_as_absent(wire: Wire) -> None:
    """An optional parameter sent as null is ignored like an omitted one."""
    answer = await wire.call("DescribeRoomInfo", {**ROOMS, "RoomId": None, "PageSize": None})
    assert answer.code is None
    assert json.loads(answer.text)["Response"]["Total"] == 10
