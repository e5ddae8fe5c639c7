"""The official Tencent Cloud SDK (sync and async) as the referee of the wire protocol."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from tencentcloud.common import abstract_client, abstract_client_async, credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.common_client_async import CommonClient as AsyncCommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.trtc.v20190722 import models, trtc_client, trtc_client_async

from bot.trtc.client import TrtcClient
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.conftest import APP

REGION = "ap-guangzhou"


def _profile(running: RunningSimulator, method: str = "POST") -> ClientProfile:
    http = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{running.port}", reqMethod=method)
    return ClientProfile(httpProfile=http)


def _cred(key: str = SECRET_KEY) -> credential.Credential:
    return credential.Credential(SECRET_ID, key)


def _request(action: str, params: dict[str, Any]) -> Any:
    request = getattr(models, f"{action}Request")()
    request.from_json_string(json.dumps(params))
    return request


def _plan(running: RunningSimulator) -> list[tuple[str, dict[str, Any]]]:
    """One valid request per SDK action, against the default world."""
    world = running.simulator.world
    room = world.room(APP, 1234)
    assert room is not None
    now = int(time.time())
    start = room.create_ts
    comm = room.comm_id
    history = {"SdkAppId": APP, "CommId": comm, "StartTime": start, "EndTime": now}
    return [
        ("DescribeRoomInfo", {"SdkAppId": APP, "StartTime": now - 3600, "EndTime": now}),
        ("DescribeUserInfo", history),
        ("DescribeCallDetailInfo", {**history, "UserIds": ["carol"], "DataType": ["aLoss"]}),
        ("DescribeUserEvent", {**history, "UserId": "alice", "RoomId": "1234"}),
        ("DescribeScaleInfo", {"SdkAppId": APP, "StartTime": now - 3 * 86400, "EndTime": now}),
        ("RemoveUser", {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["frank"]}),
        ("RemoveUserByStrRoomId", {"SdkAppId": APP, "RoomId": "standup", "UserIds": ["ivan"]}),
        ("DismissRoom", {"SdkAppId": 1400000002, "RoomId": 1234}),
        ("DismissRoomByStrRoomId", {"SdkAppId": 1400000002, "RoomId": "lobby"}),
    ]


_BLOCKS = [
    ("SetUserBlocked", {"SdkAppId": APP, "RoomId": 1234, "UserId": "bob", "IsMute": 1}),
    (
        "SetUserBlockedByStrRoomId",
        {"SdkAppId": APP, "StrRoomId": "standup", "UserId": "grace", "IsMute": 2},
    ),
]


def _check_outputs(action: str, out: dict[str, Any]) -> None:
    assert out["RequestId"]
    if action == "DescribeRoomInfo":
        assert out["Total"] == len(out["RoomList"]) > 0
    if action == "DescribeUserInfo":
        assert {"alice", "bob", "carol"} <= {u["UserId"] for u in out["UserList"]}
    if action == "DescribeCallDetailInfo":
        assert out["Data"]
        assert out["Data"][0]["Content"]
    if action == "DescribeUserEvent":
        assert any(e["EventId"] == 7000 for e in out["Data"][0]["Content"])
    if action == "DescribeScaleInfo":
        assert out["Total"] == len(out["ScaleList"]) == 3


async def test_sync_sdk_succeeds_for_every_action(live: RunningSimulator) -> None:
    """The sync TrtcClient (and CommonClient for SetUserBlocked*) succeeds for all eleven."""

    def run() -> list[tuple[str, dict[str, Any]]]:
        client = trtc_client.TrtcClient(_cred(), REGION, _profile(live))
        common = CommonClient("trtc", "2019-07-22", _cred(), REGION, _profile(live))
        out = []
        for action, params in _plan(live):
            response = getattr(client, action)(_request(action, params))
            out.append((action, json.loads(response.to_json_string())))
        for action, params in _BLOCKS:
            out.append((action, common.call_json(action, params)["Response"]))
        return out

    results = await asyncio.to_thread(run)
    assert len(results) == 11
    for action, out in results:
        _check_outputs(action, out)
    assert [r.error_code for r in live.simulator.requests] == [None] * 11
    world = live.simulator.world
    assert world.room(1400000002, 1234) is None
    state = world.user_state(APP, 1234, "bob")
    assert state is not None
    assert state.is_mute == 1


async def test_async_sdk_succeeds_for_every_action(live: RunningSimulator) -> None:
    """The async TrtcClient and async CommonClient succeed for all eleven actions."""
    results: list[tuple[str, dict[str, Any]]] = []
    async with trtc_client_async.TrtcClient(_cred(), REGION, _profile(live)) as client:
        for action, params in _plan(live):
            response = await getattr(client, action)(_request(action, params))
            results.append((action, json.loads(response.to_json_string())))
    async with AsyncCommonClient("trtc", "2019-07-22", _cred(), REGION, _profile(live)) as common:
        for action, params in _BLOCKS:
            out = await common.call_and_deserialize(action, params)
            results.append((action, out["Response"]))
    assert len(results) == 11
    for action, out in results:
        _check_outputs(action, out)


async def test_sdk_get_requests_are_verified_too(live: RunningSimulator) -> None:
    """GET with a form-encoded query, signed by the SDK, is verified and answered."""
    room = live.simulator.world.room(APP, 1234)
    assert room is not None
    now = int(time.time())
    params = {"SdkAppId": APP, "CommId": room.comm_id, "StartTime": room.create_ts,
              "EndTime": now, "UserIds": ["alice", "bob"]}  # fmt: skip

    def run() -> Any:
        client = trtc_client.TrtcClient(_cred(), REGION, _profile(live, "GET"))
        return client.DescribeUserInfo(_request("DescribeUserInfo", params))

    response = await asyncio.to_thread(run)
    assert sorted(u.UserId for u in response.UserList) == ["alice", "bob"]
    recorded = live.simulator.requests[-1]
    assert recorded.method == "GET"
    assert recorded.params["UserIds"] == ["alice", "bob"]


def _sync_error(running: RunningSimulator, key: str = SECRET_KEY) -> TencentCloudSDKException:
    client = trtc_client.TrtcClient(_cred(key), REGION, _profile(running))
    with pytest.raises(TencentCloudSDKException) as err:
        client.DismissRoom(_request("DismissRoom", {"SdkAppId": APP, "RoomId": 1234}))
    return err.value


async def _async_error(
    running: RunningSimulator, key: str = SECRET_KEY
) -> TencentCloudSDKException:
    async with trtc_client_async.TrtcClient(_cred(key), REGION, _profile(running)) as client:
        with pytest.raises(TencentCloudSDKException) as err:
            await client.DismissRoom(_request("DismissRoom", {"SdkAppId": APP, "RoomId": 1234}))
    return err.value


async def test_wrong_key_is_signature_failure(live: RunningSimulator) -> None:
    """Both SDK clients get AuthFailure.SignatureFailure with a wrong key, and nothing changes."""
    sync = await asyncio.to_thread(_sync_error, live, "not-the-key")
    asynchronous = await _async_error(live, "not-the-key")
    for err in (sync, asynchronous):
        assert err.code == "AuthFailure.SignatureFailure"
        assert err.requestId
    assert live.simulator.world.room(APP, 1234) is not None


async def test_stale_sdk_clock_is_signature_expire(
    live: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDKs' timestamp six minutes slow (their `time` only) gets AuthFailure.SignatureExpire."""
    stale = SimpleNamespace(time=lambda: time.time() - 360)
    monkeypatch.setattr(abstract_client, "time", stale)
    monkeypatch.setattr(abstract_client_async, "time", stale)
    sync = await asyncio.to_thread(_sync_error, live)
    asynchronous = await _async_error(live)
    assert sync.code == asynchronous.code == "AuthFailure.SignatureExpire"
    assert live.simulator.world.room(APP, 1234) is not None


def _v1_client(
    running: RunningSimulator, sign_method: str, method: str = "POST", key: str = SECRET_KEY
) -> Any:
    profile = _profile(running, method)
    profile.signMethod = sign_method
    return trtc_client.TrtcClient(_cred(key), REGION, profile)


@pytest.mark.parametrize("sign_method", ["HmacSHA256", "HmacSHA1"])
@pytest.mark.parametrize("http_method", ["POST", "GET"])
async def test_the_sdk_signing_v1_is_accepted(
    live: RunningSimulator, sign_method: str, http_method: str
) -> None:
    """The legacy signature (form body or query, HmacSHA1/HmacSHA256) works as on TRTC:
    reads answer and a kick removes the user."""
    client = _v1_client(live, sign_method, http_method)
    now = int(time.time())
    scale_params = {"SdkAppId": APP, "StartTime": now - 3 * 86400, "EndTime": now}
    kick = {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["bob"]}

    def run() -> Any:
        scale = client.DescribeScaleInfo(_request("DescribeScaleInfo", scale_params))
        client.RemoveUser(_request("RemoveUser", kick))
        return scale

    scale = await asyncio.to_thread(run)
    assert scale.RequestId and scale.ScaleList
    room = live.simulator.world.room(APP, 1234)
    assert room is not None and "bob" not in room.present_user_ids()
    assert [r.method for r in live.simulator.requests] == [http_method] * 2


@pytest.mark.parametrize("sign_method", ["HmacSHA256", "HmacSHA1"])
async def test_a_v1_signature_with_the_wrong_key_is_refused(
    live: RunningSimulator, sign_method: str
) -> None:
    """Signed v1 with another SecretKey: AuthFailure.SignatureFailure, nothing changed."""
    client = _v1_client(live, sign_method, key="not-the-key")
    kick = {"SdkAppId": APP, "RoomId": 1234, "UserIds": ["bob"]}
    with pytest.raises(TencentCloudSDKException) as refused:
        await asyncio.to_thread(client.RemoveUser, _request("RemoveUser", kick))
    assert refused.value.code == "AuthFailure.SignatureFailure"
    room = live.simulator.world.room(APP, 1234)
    assert room is not None and "bob" in room.present_user_ids()


async def test_the_simulator_speaks_https_when_given_a_certificate(tmp_path: Path) -> None:
    """With a certificate the simulator serves HTTPS: a client that trusts it is answered."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = await asyncio.to_thread(
        subprocess.run,
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr!r}")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    trust = ssl.create_default_context(cafile=str(cert))
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None)
    async with (
        serve_simulator(config, ssl_context=server) as running,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as session,
        TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=running.url, session=session
        ) as client,
    ):
        assert running.url.startswith("https://")
        now = int(time.time())
        assert await client.scale(APP, now - 3 * 86400, now)
