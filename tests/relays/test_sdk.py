"""The official Python SDK's six relay and ingest actions against the simulator: accepted
with valid parameters, answered with the documented error codes otherwise."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.trtc.v20190722 import models, trtc_client_async

from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from bot.trtc.usersig import user_sig
from tests.support.credentials import SECRET_ID, SECRET_KEY

APP = 1400000001
SDK_SECRET = "sdk-secret-for-the-sdk-test"
AUDIO = {"AudioEncode": {"SampleRate": 48000, "Channel": 2, "BitRate": 64}}
SINGLE = {
    "SdkAppId": APP,
    "RoomId": "1234",
    "RoomIdType": 0,
    "WithTranscoding": 0,
    "AgentParams": {"UserId": "relay_robot", "MaxIdleTime": 30},
    "AudioParams": AUDIO,
    "SingleSubscribeParams": {
        "UserMediaStream": {"UserInfo": {"UserId": "alice", "RoomId": "1234", "RoomIdType": 0}}
    },
    "PublishCdnParams": [{"PublishCdnUrl": "rtmp://live.example.com/live/k", "IsTencentCdn": 0}],
}
MIXED = {
    **{k: v for k, v in SINGLE.items() if k != "SingleSubscribeParams"},
    "WithTranscoding": 1,
    "VideoParams": {
        "VideoEncode": {"Width": 1280, "Height": 720, "Fps": 15, "BitRate": 1536, "Gop": 2},
        "LayoutParams": {"MixLayoutMode": 3},
    },
}


def _ingest(**changes: Any) -> dict[str, Any]:
    params = {
        "SdkAppId": APP,
        "RoomId": "1234",
        "RoomIdType": 1,
        "UserId": "bot_ingest",
        "UserSig": user_sig(APP, SDK_SECRET, "bot_ingest"),
        "StreamUrl": "https://media.example.com/clip.mp4",
    }
    return {**params, **changes}


@pytest.fixture
async def sdk() -> AsyncIterator[tuple[RunningSimulator, trtc_client_async.TrtcClient]]:
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, sdk_secret=SDK_SECRET
    )
    async with serve_simulator(config) as running:
        http = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{running.port}")
        cred = credential.Credential(SECRET_ID, SECRET_KEY)
        profile = ClientProfile(httpProfile=http)
        async with trtc_client_async.TrtcClient(cred, "ap-guangzhou", profile) as client:
            yield running, client


async def _call(client: trtc_client_async.TrtcClient, action: str, params: dict[str, Any]) -> Any:
    request = getattr(models, f"{action}Request")()
    request.from_json_string(json.dumps(params))
    response = await getattr(client, action)(request)
    return json.loads(response.to_json_string())


async def _code(client: trtc_client_async.TrtcClient, action: str, params: dict[str, Any]) -> str:
    with pytest.raises(TencentCloudSDKException) as err:
        await _call(client, action, params)
    return str(err.value.code)


async def test_the_six_actions_succeed(
    sdk: tuple[RunningSimulator, trtc_client_async.TrtcClient],
) -> None:
    running, client = sdk
    single = await _call(client, "StartPublishCdnStream", SINGLE)
    mixed = await _call(client, "StartPublishCdnStream", MIXED)
    assert single["TaskId"] != mixed["TaskId"] and len(single["TaskId"]) > 64
    update = {"SdkAppId": APP, "TaskId": mixed["TaskId"], "SequenceNumber": 1, "WithTranscoding": 1}
    moved = [{"PublishCdnUrl": "rtmp://other.example.com/live/k2", "IsTencentCdn": 0}]
    assert (await _call(client, "UpdatePublishCdnStream", {**update, "PublishCdnParams": moved}))[
        "TaskId"
    ] == mixed["TaskId"]
    stop = await _call(
        client, "StopPublishCdnStream", {"SdkAppId": APP, "TaskId": single["TaskId"]}
    )
    assert stop["TaskId"] == single["TaskId"]
    ingest = await _call(client, "StartStreamIngest", _ingest())
    which = {"SdkAppId": APP, "TaskId": ingest["TaskId"]}
    assert (await _call(client, "DescribeStreamIngest", which))["Status"] == "InProgress"
    assert (await _call(client, "StopStreamIngest", which))["RequestId"]
    assert (await _call(client, "DescribeStreamIngest", which))["Status"] == "NotExist"
    assert all(r.error_code is None for r in running.simulator.requests)


RELAY_ERRORS = [
    ({"RoomIdType": 2}, "InvalidParameter"),
    ({"RoomId": "not a number"}, "InvalidParameter"),
    ({"AudioParams": None}, "MissingParameter"),
    ({"AudioParams": {"AudioEncode": {"SampleRate": 48000, "Channel": 2, "BitRate": 600}}},
     "InvalidParameter"),
    ({"SingleSubscribeParams": None}, "MissingParameter"),
    ({"PublishCdnParams": [{"PublishCdnUrl": "https://live.example.com/live/k"}]},
     "InvalidParameter"),
    ({"PublishCdnParams": [{"PublishCdnUrl": f"rtmp://h.example.com/l/{i}"} for i in range(11)]},
     "InvalidParameter"),
    ({"PublishCdnParams": None}, "MissingParameter"),
    ({"AgentParams": {"UserId": "r", "MaxIdleTime": 2}}, "InvalidParameter"),
    ({"SdkAppId": 1400009999}, "InvalidParameter.SdkAppId"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "code"), RELAY_ERRORS)
async def test_start_publish_cdn_stream_errors(
    sdk: tuple[RunningSimulator, trtc_client_async.TrtcClient],
    changes: dict[str, Any],
    code: str,
) -> None:
    _, client = sdk
    params = {k: v for k, v in {**SINGLE, **changes}.items() if v is not None}
    assert await _code(client, "StartPublishCdnStream", params) == code


async def test_update_and_stop_errors(
    sdk: tuple[RunningSimulator, trtc_client_async.TrtcClient],
) -> None:
    _, client = sdk
    task = (await _call(client, "StartPublishCdnStream", MIXED))["TaskId"]
    update = {"SdkAppId": APP, "TaskId": task, "SequenceNumber": 5, "WithTranscoding": 1}
    await _call(client, "UpdatePublishCdnStream", update)
    assert await _code(client, "UpdatePublishCdnStream", update) == (
        "FailedOperation.RequestOutdated"
    )
    wrong = {**update, "SequenceNumber": 6, "WithTranscoding": 0}
    assert await _code(client, "UpdatePublishCdnStream", wrong) == "InvalidParameter"
    gone = {"SdkAppId": APP, "TaskId": "no-such-task"}
    assert await _code(client, "StopPublishCdnStream", gone) == "ResourceNotFound"
    assert await _code(client, "UpdatePublishCdnStream", {**update, **gone}) == "ResourceNotFound"


INGEST_ERRORS = [
    ({"UserSig": "eJwrubbish"}, "InvalidParameter.UserSig"),
    ({"UserSig": user_sig(APP, "another-secret", "bot_ingest")}, "InvalidParameter.UserSig"),
    ({"UserSig": user_sig(APP, SDK_SECRET, "someone_else")}, "InvalidParameter.UserSig"),
    ({"StreamUrl": "ftp://media.example.com/clip.mp4"}, "InvalidParameter.StreamUrl"),
    ({"StreamUrl": None}, "InvalidParameter.StreamUrl"),
    ({"RepeatNum": 0}, "InvalidParameter.OutOfRange"),
    ({"RoomIdType": 1, "RoomId": "standup"}, "InvalidParameter.RoomId"),
    ({"RoomId": None}, "MissingParameter.RoomId"),
    ({"SdkAppId": 1400009999}, "InvalidParameter.SdkAppId"),
]


@pytest.mark.parametrize(("changes", "code"), INGEST_ERRORS)
async def test_start_stream_ingest_errors(
    sdk: tuple[RunningSimulator, trtc_client_async.TrtcClient],
    changes: dict[str, Any],
    code: str,
) -> None:
    _, client = sdk
    params = {k: v for k, v in _ingest(**changes).items() if v is not None}
    assert await _code(client, "StartStreamIngest", params) == code


async def test_ingest_task_errors(
    sdk: tuple[RunningSimulator, trtc_client_async.TrtcClient],
) -> None:
    _, client = sdk
    task = (await _call(client, "StartStreamIngest", _ingest()))["TaskId"]
    assert await _code(client, "StartStreamIngest", _ingest()) == "FailedOperation.TaskExist"
    which = {"SdkAppId": APP, "TaskId": task}
    await _call(client, "StopStreamIngest", which)
    assert await _code(client, "StopStreamIngest", which) == "FailedOperation.TaskFinished"
    unknown = {"SdkAppId": APP, "TaskId": "no-such-task"}
    assert await _code(client, "StopStreamIngest", unknown) == "InvalidParameter.TaskId"
    assert await _code(client, "DescribeStreamIngest", {"SdkAppId": APP}) == (
        "MissingParameter.TaskId"
    )
