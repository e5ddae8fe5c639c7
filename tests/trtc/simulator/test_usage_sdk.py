"""The official Python SDK's five usage actions against the simulator: valid windows are
answered as documented, invalid ones with the documented error codes."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.trtc.v20190722 import models, trtc_client

from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from bot.trtc.simulator.scenario import parse_scenario
from bot.trtc.usage import beijing_date
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.conftest import APP

REGION = "ap-guangzhou"


def _client(running: RunningSimulator) -> trtc_client.TrtcClient:
    http = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{running.port}")
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    return trtc_client.TrtcClient(cred, REGION, ClientProfile(httpProfile=http))


def _call(running: RunningSimulator, action: str, params: dict[str, Any]) -> dict[str, Any]:
    request = getattr(models, f"{action}Request")()
    request.from_json_string(json.dumps(params))
    response = getattr(_client(running), action)(request)
    out: dict[str, Any] = json.loads(response.to_json_string())
    return out


async def _refused(running: RunningSimulator, action: str, params: dict[str, Any]) -> str:
    with pytest.raises(TencentCloudSDKException) as refused:
        await asyncio.to_thread(_call, running, action, params)
    return str(refused.value.code)


def _days(back: int) -> tuple[str, str]:
    today = beijing_date(time.time())
    return (today - timedelta(days=back)).isoformat(), today.isoformat()


async def test_the_five_usage_actions_answer_as_documented(live: RunningSimulator) -> None:
    """Each action, sent by the SDK with valid parameters, is answered in its documented shape."""
    start, end = _days(6)
    dates = {"StartTime": start, "EndTime": end, "SdkAppId": APP}
    day = beijing_date(time.time() - 86400).isoformat()
    plan = [
        ("DescribeTrtcUsage", dates),
        ("DescribeRecordingUsage", {**dates, "MixType": "single"}),
        ("DescribeMixTranscodingUsage", dates),
        ("DescribeRelayUsage", dates),
        (
            "DescribeTrtcRoomUsage",
            {"SdkAppid": APP, "StartTime": f"{day} 00:00", "EndTime": f"{day} 23:59"},
        ),
    ]
    for action, params in plan:
        out = await asyncio.to_thread(_call, live, action, params)
        assert out["RequestId"]
        if action == "DescribeTrtcRoomUsage":
            lines = out["Data"].split("\n")
            assert lines[0] == "RoomId,Audio,SD,hd,FullHD,2K,4K" and out["Data"].endswith("\n")
            continue
        assert len(out["UsageList"]) == 7  # daily points, end date included
        assert out["UsageList"][0]["TimeKey"] == f"{start} 00:00:00"
        for point in out["UsageList"]:
            assert len(point["UsageValue"]) == len(out["UsageKey"])
    assert [r.error_code for r in live.simulator.requests] == [None] * 5
    # One day asked: five-minute points.
    one = await asyncio.to_thread(
        _call, live, "DescribeTrtcUsage", {"StartTime": day, "EndTime": day}
    )
    assert len(one["UsageList"]) == 288
    assert one["UsageKey"] == ["Audio", "SD", "HD", "FullHD", "2K", "4K"]


async def test_invalid_windows_get_the_documented_codes(live: RunningSimulator) -> None:
    """Over 31 days, over 24 h, an unknown application, a bad MixType: the documented codes."""
    start, end = _days(31)  # 32 days, end included
    assert await _refused(live, "DescribeTrtcUsage", {"StartTime": start, "EndTime": end}) == (
        "InvalidParameter.QueryScaleOversize"
    )
    for action in ("DescribeRelayUsage", "DescribeMixTranscodingUsage"):
        code = await _refused(live, action, {"StartTime": start, "EndTime": end})
        assert code == "InvalidParameter.QueryScaleOversize"
    ok_start, ok_end = _days(3)
    bad_app = {"StartTime": ok_start, "EndTime": ok_end, "SdkAppId": 1400009999}
    assert await _refused(live, "DescribeTrtcUsage", bad_app) == "InvalidParameter.SdkAppId"
    mix = {"StartTime": ok_start, "EndTime": ok_end, "MixType": "both"}
    assert await _refused(live, "DescribeRecordingUsage", mix) == "InvalidParameter"
    too_long = {"SdkAppid": APP, "StartTime": f"{ok_start} 00:00", "EndTime": f"{ok_end} 00:00"}
    assert await _refused(live, "DescribeTrtcRoomUsage", too_long) == "InvalidParameter"
    nobody = {"SdkAppid": 1400009999, "StartTime": f"{ok_end} 00:00", "EndTime": f"{ok_end} 01:00"}
    assert await _refused(live, "DescribeTrtcRoomUsage", nobody) == (
        "FailedOperation.SdkAppIdNotExist"
    )


async def test_room_usage_allows_one_request_per_15_seconds() -> None:
    """With pacing on, a second DescribeTrtcRoomUsage within 15 s is refused
    OperationDenied.FreqOverLimit."""
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY)
    _, today = _days(0)
    params = {"SdkAppid": APP, "StartTime": f"{today} 00:00", "EndTime": f"{today} 00:30"}
    async with serve_simulator(config) as running:
        await asyncio.to_thread(_call, running, "DescribeTrtcRoomUsage", params)
        code = await _refused(running, "DescribeTrtcRoomUsage", params)
    assert code == "OperationDenied.FreqOverLimit"


async def test_five_users_for_an_hour_are_about_300_minutes() -> None:
    """Usage follows the simulator's own calls: 5 users in a room for an hour ≈ 300 minutes."""
    scenario = parse_scenario(
        {
            "include_defaults": False,
            "rooms": [
                {
                    "room": 777,
                    "started_minutes_ago": 61,
                    "ended_minutes_ago": 1,
                    "users": ["a", "b", "c", "d", "e"],
                }
            ],
        }
    )
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, scenario=scenario
    )
    start, end = _days(1)
    async with serve_simulator(config) as running:
        out = await asyncio.to_thread(
            _call, running, "DescribeTrtcUsage", {"StartTime": start, "EndTime": end}
        )
    total = sum(sum(p["UsageValue"]) for p in out["UsageList"])
    assert 299 <= total <= 302  # whole minutes, rounded up per point
    assert out["UsageList"][-1]["UsageValue"][2] + out["UsageList"][0]["UsageValue"][2] == total
