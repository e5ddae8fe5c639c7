"""TC3-HMAC-SHA256: the reference's worked examples and agreement with the official signer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.trtc.v20190722 import trtc_client

from bot.trtc import signing

# The reference §3.5 payload; the \u escapes are literal backslash-u characters.
PAYLOAD = (
    b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)
MASKED_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"
MASKED_KEY = "Gu5t9xGARNpq86cd98joQYCN3*******"


def _sign_example(secret_id: str, secret_key: str, *, sign_action: bool) -> signing.SignedRequest:
    return signing.sign_request(
        secret_id=secret_id,
        secret_key=secret_key,
        service="cvm",
        host="cvm.tencentcloudapi.com",
        action="DescribeInstances",
        version="2017-03-12",
        region="ap-guangzhou",
        timestamp=1551113065,
        payload=PAYLOAD,
        content_type="application/json; charset=utf-8",
        sign_action=sign_action,
    )


def test_payload_hash_matches_reference() -> None:
    """The worked example's 86-byte payload hashes to the documented value."""
    assert len(PAYLOAD) == 86
    assert signing.sha256_hex(PAYLOAD) == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )


@pytest.mark.parametrize(
    ("secret_id", "secret_key", "sign_action", "expected"),
    [
        pytest.param(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            False,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
            id="A-example-keys",
        ),
        pytest.param(
            MASKED_ID,
            MASKED_KEY,
            False,
            "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
            id="B-masked-keys",
        ),
        pytest.param(
            MASKED_ID,
            MASKED_KEY,
            True,
            "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3",
            id="C-masked-keys-with-action",
        ),
        pytest.param(
            "AKID" + "*" * 32,
            "*" * 32,
            True,
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
            id="D-current-doc",
        ),
        pytest.param(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            True,
            "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26",
            id="A-keys-with-action",
        ),
    ],
)
def test_reference_vectors(
    secret_id: str, secret_key: str, sign_action: bool, expected: str
) -> None:
    """Every worked example of reference §3.5 signs to its documented signature."""
    signed = _sign_example(secret_id, secret_key, sign_action=sign_action)
    assert signed.signature == expected
    names = "content-type;host;x-tc-action" if sign_action else "content-type;host"
    assert signed.headers["Authorization"] == (
        f"TC3-HMAC-SHA256 Credential={secret_id}/2019-02-25/cvm/tc3_request, "
        f"SignedHeaders={names}, Signature={expected}"
    )


def test_canonical_request_hashes_match_reference() -> None:
    """Both canonical-request variants hash to the documented digests."""
    headers = {
        "content-type": "application/json; charset=utf-8",
        "host": "cvm.tencentcloudapi.com",
        "x-tc-action": "DescribeInstances",
    }
    payload_hash = signing.sha256_hex(PAYLOAD)
    plain = signing.canonical_request(
        method="POST",
        headers=headers,
        signed_headers=["content-type", "host"],
        payload_hash=payload_hash,
    )
    with_action = signing.canonical_request(
        method="POST",
        headers=headers,
        signed_headers=["x-tc-action", "host", "content-type"],
        payload_hash=payload_hash,
    )
    assert signing.sha256_hex(plain.encode()) == (
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    assert "x-tc-action:describeinstances\n" in with_action
    assert signing.sha256_hex(with_action.encode()) == (
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    )


def test_derived_keys_match_reference() -> None:
    """The cached signing key equals the documented SecretSigning of vector D."""
    assert signing.signing_key("*" * 32, "2019-02-25", "cvm").hex() == (
        "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    )


def test_date_is_utc() -> None:
    """The scope date is the UTC day, not the local (UTC+8) one."""
    assert signing.utc_date(1551113065) == "2019-02-25"


def test_headers_carry_token_region_and_language_only_when_given() -> None:
    """Optional common headers appear exactly when set, and the key never does."""
    signed = signing.sign_request(
        secret_id="id",
        secret_key="very-secret-key",
        service="trtc",
        host="trtc.tencentcloudapi.com",
        action="RemoveUser",
        version="2019-07-22",
        region=None,
        timestamp=1700000000,
        payload=b"{}",
    )
    assert "X-TC-Region" not in signed.headers
    assert "X-TC-Token" not in signed.headers
    assert all("very-secret-key" not in v for v in signed.headers.values())
    with_token = signing.sign_request(
        secret_id="id",
        secret_key="k",
        service="trtc",
        host="h",
        action="A",
        version="v",
        region="ap-beijing",
        timestamp=1,
        payload=b"{}",
        token="tok",
        language="zh-CN",
    )
    assert with_token.headers["X-TC-Token"] == "tok"
    assert with_token.headers["X-TC-Region"] == "ap-beijing"
    assert with_token.headers["X-TC-Language"] == "zh-CN"


def test_parse_authorization_round_trip() -> None:
    """The simulator can read back what we sign."""
    signed = _sign_example(MASKED_ID, MASKED_KEY, sign_action=True)
    parsed = signing.parse_authorization(signed.authorization)
    assert parsed.secret_id == MASKED_ID
    assert parsed.scope == "2019-02-25/cvm/tc3_request"
    assert parsed.signed_headers == ("content-type", "host", "x-tc-action")
    assert parsed.signature == signed.signature


@pytest.mark.parametrize(
    "value",
    [
        "",
        "HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=content-type;host, Signature=x",
        "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, Signature=x",
        "TC3-HMAC-SHA256 Credential=a/b/tc3_request, SignedHeaders=content-type;host, Signature=x",
        "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=x",
        "TC3-HMAC-SHA256 garbage",
    ],
)
def test_parse_authorization_refuses_malformed(value: str) -> None:
    """A header that is not TC3 is refused with our error, never a crash."""
    with pytest.raises(signing.MalformedAuthorization):
        signing.parse_authorization(value)


# -- agreement with the official signer ---------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


class _FixedTime:
    def __init__(self, now: int) -> None:
        self.now = now

    def time(self) -> float:
        return float(self.now)


def _official(
    monkeypatch: pytest.MonkeyPatch,
    *,
    secret_id: str,
    secret_key: str,
    token: str | None,
    region: str,
    action: str,
    params: dict[str, Any],
    timestamp: int,
) -> tuple[str, dict[str, str]]:
    """Let the official SDK build a request and return its body and headers."""
    # Patching the SDK's own clock is the only way to give it a timestamp.
    monkeypatch.setattr(abstract_client, "time", _FixedTime(timestamp))
    profile = ClientProfile(httpProfile=HttpProfile(endpoint="trtc.tencentcloudapi.com"))
    client = trtc_client.TrtcClient(
        credential.Credential(secret_id, secret_key, token), region, profile
    )
    req = abstract_client.RequestInternal(host="trtc.tencentcloudapi.com", method="POST", uri="/")
    client._build_req_with_tc3_signature(action, params, req)
    return req.data, dict(req.header)


@settings(max_examples=150, deadline=None)
@given(
    action=st.from_regex(r"[A-Z][A-Za-z0-9]{0,30}", fullmatch=True),
    params=st.dictionaries(st.text(min_size=1), json_values, max_size=5),
    timestamp=st.integers(min_value=0, max_value=4_102_444_800),
    region=st.sampled_from(["ap-guangzhou", "ap-beijing", "ap-singapore", "na-toronto", ""]),
    # The SDK's Credential refuses keys with white space; so does Tencent's console.
    secret_key=st.text(
        alphabet=st.characters(blacklist_categories=("Zs", "Cc", "Cs")), min_size=1, max_size=48
    ),
    token=st.none() | st.text(alphabet="abcdefABCDEF0123456789", min_size=1, max_size=40),
)
def test_signature_matches_official_sdk(
    action: str,
    params: dict[str, Any],
    timestamp: int,
    region: str,
    secret_key: str,
    token: str | None,
) -> None:
    """Over random actions, payloads, times, regions and tokens we sign as the SDK does."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        body, sdk_headers = _official(
            monkeypatch,
            secret_id="AKIDproperty",
            secret_key=secret_key,
            token=token,
            region=region,
            action=action,
            params=params,
            timestamp=timestamp,
        )
    ours = signing.sign_request(
        secret_id="AKIDproperty",
        secret_key=secret_key,
        service="trtc",
        host="trtc.tencentcloudapi.com",
        action=action,
        version="2019-07-22",
        region=region or None,
        timestamp=timestamp,
        payload=body.encode("utf-8"),
        token=token,
        sign_action=False,
    )
    assert ours.headers["Authorization"] == sdk_headers["Authorization"]
    assert ours.headers["X-TC-Timestamp"] == sdk_headers["X-TC-Timestamp"]
    assert ours.headers.get("X-TC-Region") == sdk_headers.get("X-TC-Region")
    assert ours.headers.get("X-TC-Token") == sdk_headers.get("X-TC-Token")
    assert json.loads(body) == params  # the SDK sent what we hashed
