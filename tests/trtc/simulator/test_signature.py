"""TC3 verification and the common-parameter checks, byte by byte on a frozen clock."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.trtc.signing import (
    UNSIGNED_PAYLOAD,
    canonical_request,
    sha256_hex,
    sign_request,
    signature,
    string_to_sign,
    utc_date,
)
from bot.trtc.simulator import RunningSimulator, serve_simulator
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.trtc.simulator.conftest import APP, NOW, frozen_config
from tests.trtc.simulator.wire import Wire

SCALE = {"SdkAppId": APP, "StartTime": NOW - 86400, "EndTime": NOW}


def _authorize(
    headers: dict[str, str],
    names: Sequence[str],
    payload_hash: str,
    *,
    method: str = "POST",
    query: str = "",
) -> None:
    """Sign by hand over ``names``, for what ``sign_request`` does not offer."""
    lowered = {k.lower(): v for k, v in headers.items()}
    canonical = canonical_request(
        method=method,
        headers=lowered,
        signed_headers=names,
        payload_hash=payload_hash,
        query=query,
    )
    date = utc_date(NOW)
    scope = f"{date}/trtc/tc3_request"
    sig = signature(
        SECRET_KEY, date=date, service="trtc", to_sign=string_to_sign(NOW, scope, canonical)
    )
    headers["Authorization"] = (
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{scope}, "
        f"SignedHeaders={';'.join(sorted(names))}, Signature={sig}"
    )


@pytest.mark.parametrize("sign_action", [True, False])
async def test_both_documented_signed_header_sets_verify(wire: Wire, sign_action: bool) -> None:
    """`content-type;host;x-tc-action` (current docs) and `content-type;host` (SDKs) both pass."""
    answer = await wire.call("DescribeScaleInfo", SCALE, sign_action=sign_action)
    assert answer.status == 200
    assert answer.code is None
    assert answer.content_type == "application/json"
    assert len(answer.response["ScaleList"]) == answer.response["Total"]


async def test_extra_signed_headers_use_values_as_sent(wire: Wire) -> None:
    """A superset of signed headers is rebuilt from the request: lower-cased, trimmed values."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload)
    headers["Content-Type"] = "Application/JSON; charset=utf-8"
    headers["X-TC-Region"] = "  ap-guangzhou "
    names = ["content-type", "host", "x-tc-action", "x-tc-region"]
    _authorize(headers, names, sha256_hex(payload))
    answer = await wire.send(headers, payload)
    assert answer.code is None, answer.text


async def test_unsigned_payload_is_honoured(wire: Wire) -> None:
    """With X-TC-Content-SHA256: UNSIGNED-PAYLOAD the body is not part of the signature."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload, sign_action=False)
    headers["X-TC-Content-SHA256"] = UNSIGNED_PAYLOAD
    _authorize(headers, ["content-type", "host"], sha256_hex(UNSIGNED_PAYLOAD.encode()))
    assert (await wire.send(headers, payload)).code is None
    # The same headers with a signed payload hash would not match.
    del headers["X-TC-Content-SHA256"]
    assert (await wire.send(headers, payload)).code == "AuthFailure.SignatureFailure"


async def test_tampered_body_fails(wire: Wire) -> None:
    """A body other than the one signed is AuthFailure.SignatureFailure and changes nothing."""
    signed = json.dumps({"SdkAppId": APP, "RoomId": 1234, "UserIds": ["bob"]}).encode()
    sent = json.dumps({"SdkAppId": APP, "RoomId": 1234, "UserIds": ["alice"]}).encode()
    answer = await wire.send(wire.sign("RemoveUser", signed), sent)
    assert answer.code == "AuthFailure.SignatureFailure"
    assert answer.response["RequestId"]
    state = wire.running.simulator.world.user_state(APP, 1234, "alice")
    assert state is not None
    assert state.present


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"secret_key": "wrong"}, "AuthFailure.SignatureFailure"),
        ({"secret_id": "AKIDnobody", "secret_key": "x"}, "AuthFailure.SecretIdNotFound"),
        ({"timestamp": NOW - 301}, "AuthFailure.SignatureExpire"),
        ({"timestamp": NOW + 301}, "AuthFailure.SignatureExpire"),
        ({"timestamp": NOW - 299}, None),
        ({"service": "cvm"}, "AuthFailure.SignatureFailure"),
        ({"version": "2017-03-12"}, "NoSuchVersion"),
        ({"region": None}, "MissingParameter"),
        ({"region": "eu-frankfurt"}, "UnsupportedRegion"),
        ({"token": "sts-token"}, "AuthFailure.TokenFailure"),
        ({"content_type": "application/x-www-form-urlencoded"}, "UnsupportedProtocol"),
    ],
)
async def test_authentication_and_common_parameter_errors(
    wire: Wire, options: dict[str, object], code: str | None
) -> None:
    """Each broken part of a signed request gets the common error code TRTC answers."""
    answer = await wire.call("DescribeScaleInfo", SCALE, **options)
    assert answer.status == 200
    assert answer.content_type == "application/json"
    assert answer.code == code, answer.text


async def test_scope_date_must_be_the_timestamps_utc_date(wire: Wire) -> None:
    """A scope dated the day before X-TC-Timestamp's UTC day is refused, with the reason."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload, timestamp=NOW - 60)  # 2025-10-09
    headers["X-TC-Timestamp"] = str(NOW)  # 2025-10-10
    answer = await wire.send(headers, payload)
    assert answer.code == "AuthFailure.SignatureFailure"
    assert "UTC date" in answer.message


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "AuthFailure.InvalidAuthorization"),
        ("Bearer abc", "AuthFailure.InvalidAuthorization"),
        ("TC3-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=y",
         "AuthFailure.InvalidAuthorization"),
    ],
)  # fmt: skip
async def test_missing_or_malformed_authorization(
    wire: Wire, authorization: str | None, code: str
) -> None:
    """No Authorization header, or one that is not TC3, is AuthFailure.InvalidAuthorization."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload)
    del headers["Authorization"]
    if authorization is not None:
        headers["Authorization"] = authorization
    assert (await wire.send(headers, payload)).code == code


async def test_token_of_a_temporary_credential() -> None:
    """With a configured STS token, requests must carry it in X-TC-Token."""
    async with (
        serve_simulator(frozen_config(token="sts-token")) as running,
        aiohttp.ClientSession() as session,
    ):
        wire = Wire(session, running)
        assert (await wire.call("DescribeScaleInfo", SCALE, token="sts-token")).code is None
        assert (await wire.call("DescribeScaleInfo", SCALE)).code == "AuthFailure.TokenFailure"
        bad = await wire.call("DescribeScaleInfo", SCALE, token="other")
        assert bad.code == "AuthFailure.TokenFailure"


async def test_unknown_action_and_missing_action(wire: Wire) -> None:
    """An unknown X-TC-Action is InvalidAction; none at all is MissingParameter."""
    assert (await wire.call("DescribeInstances", {})).code == "InvalidAction"
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload, sign_action=False)
    del headers["X-TC-Action"]
    answer = await wire.send(headers, payload)
    assert answer.code == "MissingParameter"
    assert "`Action`" in answer.message


async def test_signed_action_must_match_the_header(wire: Wire) -> None:
    """When x-tc-action is signed, changing the action after signing breaks the signature."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload)
    headers["X-TC-Action"] = "DescribeRoomInfo"
    assert (await wire.send(headers, payload)).code == "AuthFailure.SignatureFailure"


async def test_a_bad_v1_signature_and_other_methods_are_refused_clearly(wire: Wire) -> None:
    """A v1 request with a wrong Signature gets TRTC's code; PUT gets UnsupportedProtocol."""
    query = urlencode(
        {
            "Action": "DescribeScaleInfo",
            "Signature": "abc",
            "SecretId": SECRET_ID,
            "Timestamp": NOW,
            "Nonce": 7,
        }
    )
    v1 = await wire.send({}, method="GET", query=query)
    assert v1.code == "AuthFailure.SignatureFailure"
    put = await wire.send({"Content-Type": "application/json"}, b"{}", method="PUT")
    assert put.code == "UnsupportedProtocol"


async def test_get_with_form_query_signs_the_raw_query(wire: Wire) -> None:
    """A TC3-signed GET verifies against the raw query; an altered query does not."""
    query = urlencode({"SdkAppId": APP, "StartTime": NOW - 86400, "EndTime": NOW})
    signed = sign_request(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, service="trtc", host=wire.host,
        action="DescribeScaleInfo", version="2019-07-22", region="ap-guangzhou",
        timestamp=NOW, payload=b"", content_type="application/x-www-form-urlencoded",
    ).headers  # fmt: skip
    # sign_request signs a POST; sign the GET (raw query, empty body) by hand.
    names = ["content-type", "host", "x-tc-action"]
    _authorize(signed, names, sha256_hex(b""), method="GET", query=query)
    ok = await wire.send(signed, method="GET", query=query)
    assert ok.code is None, ok.text
    altered = await wire.send(signed, method="GET", query=query.replace(str(NOW), str(NOW - 1)))
    assert altered.code == "AuthFailure.SignatureFailure"


async def test_every_request_is_recorded_with_its_outcome(
    frozen: RunningSimulator, wire: Wire
) -> None:
    """Requests are recorded with action, params, headers, time, and the code answered."""
    await wire.call("DescribeScaleInfo", SCALE)
    await wire.call("DescribeScaleInfo", SCALE, secret_key="wrong")
    first, second = frozen.simulator.requests
    assert first.action == "DescribeScaleInfo"
    assert first.params == SCALE
    assert first.time == NOW
    assert first.error_code is None
    assert first.request_id
    assert first.headers["X-TC-Region"] == "ap-guangzhou"
    assert second.error_code == "AuthFailure.SignatureFailure"


async def test_errors_are_in_chinese_when_asked(wire: Wire) -> None:
    """X-TC-Language: zh-CN words errors as Tencent Cloud's Chinese error table does;
    a TRTC-specific code keeps its English detail after the Chinese."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload, language="zh-CN")
    headers["X-TC-Action"] = "DescribeRoomInfo"  # signed for another action
    refused = await wire.send(headers, payload)
    assert refused.code == "AuthFailure.SignatureFailure"
    assert refused.message.startswith("签名错误。")
    bad = json.dumps({**SCALE, "SdkAppId": "x"}).encode()
    odd = await wire.send(wire.sign("DescribeScaleInfo", bad, language="zh-CN"), bad)
    assert odd.code.startswith("InvalidParameter") and odd.message.startswith("参数")
    english = await wire.send(wire.sign("DescribeScaleInfo", bad), bad)
    assert english.code == odd.code and not english.message.startswith("参数")


async def test_an_upper_case_signature_is_another_signature(wire: Wire) -> None:
    """TC3 signatures are lower-case hex; the same digest in capitals is refused."""
    payload = json.dumps(SCALE).encode()
    headers = wire.sign("DescribeScaleInfo", payload)
    head, _, digest = headers["Authorization"].rpartition("Signature=")
    headers["Authorization"] = head + "Signature=" + digest.upper()
    assert (await wire.send(headers, payload)).code == "AuthFailure.SignatureFailure"


async def test_the_authorization_header_has_the_documented_spacing(wire: Wire) -> None:
    """One space after the algorithm and ", " between parts, as documented; a header
    spaced otherwise is InvalidAuthorization even with a right signature."""
    payload = json.dumps(SCALE).encode()
    good = wire.sign("DescribeScaleInfo", payload)
    assert (await wire.send(good, payload)).code is None
    for odd in (
        good["Authorization"].replace(", ", ","),
        good["Authorization"].replace(" Credential", "  Credential", 1),
        good["Authorization"].replace(", Signature", " , Signature"),
    ):
        headers = {**good, "Authorization": odd}
        assert (await wire.send(headers, payload)).code == "AuthFailure.InvalidAuthorization"
