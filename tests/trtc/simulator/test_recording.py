"""On-cloud recording in the simulator, refereed by the official Python SDK's models."""

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
from bot.trtc.simulator.scenario import RecordingFaults, Scenario
from bot.trtc.usersig import user_sig
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.conftest import APP

SDK_SECRET = "0123456789abcdef0123456789abcdef"
VOD = {"CloudVod": {"TencentVod": {"ExpireTime": 0}}}
COS = {
    "CloudStorage": {
        "Vendor": 0,
        "Region": "ap-shanghai",
        "Bucket": "evidence-1250000000",
        "AccessKey": "AKIDcos",
        "SecretKey": "cos-secret",
        "FileNamePrefix": ["incidents"],
    }
}


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, sdk_secret=SDK_SECRET
    )
    async with serve_simulator(config) as running:
        yield running


def _client(running: RunningSimulator) -> trtc_client_async.TrtcClient:
    http = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{running.port}", reqMethod="POST")
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    return trtc_client_async.TrtcClient(cred, "ap-guangzhou", ClientProfile(httpProfile=http))


def _create(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "SdkAppId": APP,
        "RoomId": "1234",
        "RoomIdType": 1,
        "UserId": "bot_recorder",
        "UserSig": user_sig(APP, SDK_SECRET, "bot_recorder"),
        "RecordParams": {"RecordMode": 2, "MaxIdleTime": 60, "StreamType": 0},
        "StorageParams": COS,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


async def _call(running: RunningSimulator, action: str, params: dict[str, Any]) -> Any:
    request = getattr(models, f"{action}Request")()
    request.from_json_string(json.dumps(params))
    return await getattr(_client(running), action)(request)


async def test_sdk_create_then_describe_shows_the_task_in_progress(sim: RunningSimulator) -> None:
    """A valid CreateCloudRecording returns a TaskId; DescribeCloudRecording of it says
    InProgress with the mixed file on COS, all read through the SDK's own models."""
    created = await _call(sim, "CreateCloudRecording", _create())
    assert created.TaskId and created.RequestId
    described = await _call(
        sim, "DescribeCloudRecording", {"SdkAppId": APP, "TaskId": created.TaskId}
    )
    assert described.Status == "InProgress"
    assert [f.FileName for f in described.StorageFileList] == [f"{APP}_1234.m3u8"]
    assert described.StorageFileList[0].BeginTimeStamp > 0


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"UserSig": None}, "MissingParameter.UserSig"),
        ({"RecordParams": None}, "MissingParameter.RecordParams"),
        ({"StorageParams": None}, "MissingParameter.StorageParams"),
        ({"RecordParams": {"MaxIdleTime": 60}}, "MissingParameter.RecordMode"),
        ({"RecordParams": {"RecordMode": 3}}, "InvalidParameter.OutOfRange"),
        ({"RecordParams": {"RecordMode": 1, "MaxIdleTime": 2}}, "InvalidParameter.OutOfRange"),
        ({"StorageParams": {"CloudStorage": {"Vendor": 0}}}, "MissingParameter.Region"),
        ({"SdkAppId": 1400000777}, "InvalidParameter.SdkAppId"),
        ({"UserSig": user_sig(APP, "not-the-secret", "bot_recorder")}, "InvalidParameter.UserSig"),
        ({"UserSig": user_sig(APP, SDK_SECRET, "someone_else")}, "InvalidParameter.UserSig"),
        ({"ResourceExpiredHour": 1}, "InvalidParameter.OutOfRange"),
    ],
)
async def test_sdk_invalid_create_gets_the_documented_code(
    sim: RunningSimulator, overrides: dict[str, Any], code: str
) -> None:
    """Each invalid CreateCloudRecording is refused with its documented error code."""
    with pytest.raises(TencentCloudSDKException) as refused:
        await _call(sim, "CreateCloudRecording", _create(**overrides))
    assert refused.value.code == code


async def test_sdk_describe_of_an_unknown_task_is_resource_not_found(
    sim: RunningSimulator,
) -> None:
    """Describe of a task that never existed: ResourceNotFound; without TaskId: Missing."""
    with pytest.raises(TencentCloudSDKException) as unknown:
        await _call(sim, "DescribeCloudRecording", {"SdkAppId": APP, "TaskId": "nope."})
    assert unknown.value.code == "ResourceNotFound"
    with pytest.raises(TencentCloudSDKException) as missing:
        await _call(sim, "DescribeCloudRecording", {"SdkAppId": APP})
    assert missing.value.code == "MissingParameter.TaskId"


async def test_concurrency_limit_is_restricted_concurrency() -> None:
    """Beyond the concurrent-task ceiling: FailedOperation.RestrictedConcurrency."""
    config = SimulatorConfig(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        rate_limit=None,
        sdk_secret=SDK_SECRET,
        recording_limit=2,
    )
    async with serve_simulator(config) as running:
        for robot in ("r1", "r2"):
            sig = user_sig(APP, SDK_SECRET, robot)
            await _call(running, "CreateCloudRecording", _create(UserId=robot, UserSig=sig))
        sig = user_sig(APP, SDK_SECRET, "r3")
        with pytest.raises(TencentCloudSDKException) as refused:
            await _call(running, "CreateCloudRecording", _create(UserId="r3", UserSig=sig))
    assert refused.value.code == "FailedOperation.RestrictedConcurrency"


async def test_delete_ends_the_task_and_it_then_disappears(sim: RunningSimulator) -> None:
    """Delete → Exited for a moment, then ResourceNotFound; Modify of an ended task too."""
    created = await _call(sim, "CreateCloudRecording", _create(StorageParams=VOD))
    task = {"SdkAppId": APP, "TaskId": created.TaskId}
    await _call(sim, "DeleteCloudRecording", task)
    assert (await _call(sim, "DescribeCloudRecording", task)).Status == "Exited"
    with pytest.raises(TencentCloudSDKException) as ended:
        await _call(sim, "DeleteCloudRecording", task)
    assert ended.value.code == "ResourceNotFound"


async def test_idle_room_task_stays_idle_and_ends_after_max_idle() -> None:
    """With no anchor in the room the task is Idle, and after MaxIdleTime it exits (302, 99)."""
    now = [1_760_054_430.0]
    config = SimulatorConfig(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        rate_limit=None,
        sdk_secret=SDK_SECRET,
        clock=lambda: now[0],
        max_skew_s=10**9,
    )
    async with serve_simulator(config) as running:
        recorder = running.simulator.recorder
        params = _create(RecordParams={"RecordMode": 1, "MaxIdleTime": 10})
        params["RecordParams"]["SubscribeStreamUserIds"] = {"SubscribeAudioUserIds": ["nobody"]}
        created = await _call(running, "CreateCloudRecording", params)
        task = recorder.tasks[created.TaskId]
        assert task.status() == "Idle"
        now[0] += 11
        recorder.scan()
        assert (task.status(), task.leave_code) == ("Exited", 99)


async def test_never_starts_scenario_accepts_and_records_nothing() -> None:
    """Scenario recording.never_starts: the task is accepted and stays Idle with no file."""
    scenario = Scenario(recording=RecordingFaults(never_starts=True))
    config = SimulatorConfig(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        rate_limit=None,
        sdk_secret=SDK_SECRET,
        scenario=scenario,
    )
    async with serve_simulator(config) as running:
        created = await _call(running, "CreateCloudRecording", _create())
        described = await _call(
            running, "DescribeCloudRecording", {"SdkAppId": APP, "TaskId": created.TaskId}
        )
    assert (described.Status, described.StorageFileList) == ("Idle", [])
