"""The legacy signature (v1, HmacSHA1 / HmacSHA256), as Tencent Cloud still accepts it.

Every common parameter travels in the query (GET) or an
``application/x-www-form-urlencoded`` body (POST) beside the action's own
parameters: Action, Version, Region, Timestamp, Nonce, SecretId,
SignatureMethod (HmacSHA1 when absent), Token, Language, Signature. The string
to sign is ``METHOD + host + path + "?" + k=v&…`` over every parameter but
Signature, sorted by name, values as sent (not URL-encoded); the signature is
the Base64 of the HMAC with the SecretKey. The bot signs with TC3; this is here
so that any client a user points at the simulator works, as it would on TRTC.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from bot.trtc.simulator.envelope import ApiError
from bot.trtc.simulator.verify import Credential

_DIGESTS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256}
# Common parameters: they sign the request and are not the action's own.
COMMON = frozenset(
    {
        "Action",
        "Version",
        "Region",
        "Timestamp",
        "Nonce",
        "SecretId",
        "SignatureMethod",
        "Signature",
        "Token",
        "Language",
        "RequestClient",
    }
)


@dataclass(frozen=True)
class LegacyRequest:
    """A v1-signed request, read: its action and headers as TC3 would carry them, and
    the action's own parameters (flattened, as sent)."""

    action: str
    headers: dict[str, str]  # x-tc-action, x-tc-version, x-tc-region, x-tc-language
    params: list[tuple[str, str]]


def is_legacy(headers: Mapping[str, str], pairs: list[tuple[str, str]]) -> bool:
    return "authorization" not in headers and any(key == "Signature" for key, _ in pairs)


def verify_legacy(
    *,
    method: str,
    host: str,
    path: str,
    pairs: list[tuple[str, str]],
    credential: Credential,
    now: float,
    max_skew_s: float,
) -> LegacyRequest:
    """Raise the ApiError TRTC would answer, or return the request, read."""
    sent = dict(pairs)
    for name in ("SecretId", "Timestamp", "Nonce", "Signature"):
        if not sent.get(name, "").strip():
            raise ApiError(
                "MissingParameter", f"The request is missing a required parameter `{name}`."
            )
    method_name = sent.get("SignatureMethod", "HmacSHA1")
    digest = _DIGESTS.get(method_name)
    if digest is None:
        raise ApiError(
            "InvalidParameterValue",
            f"The value `{method_name}` specified in the parameter `SignatureMethod` is not "
            "valid; use HmacSHA1 or HmacSHA256.",
        )
    try:
        timestamp = int(sent["Timestamp"])
    except ValueError:
        raise ApiError(
            "InvalidParameterValue",
            f"The value `{sent['Timestamp']}` specified in the parameter `Timestamp` is not valid.",
        ) from None
    if abs(now - timestamp) > max_skew_s:
        raise ApiError(
            "AuthFailure.SignatureExpire",
            f"Signature expired: Timestamp {timestamp} differs from server time {int(now)} "
            f"by more than {int(max_skew_s)} s. Check the local clock.",
        )
    if sent["SecretId"] != credential.secret_id:
        raise ApiError(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        )
    token = sent.get("Token")
    if (credential.token or None) != (token or None):
        raise ApiError("AuthFailure.TokenFailure", "The Token is missing or invalid.")
    signed = "&".join(f"{k}={v}" for k, v in sorted(pairs) if k != "Signature")
    to_sign = f"{method}{host}{path}?{signed}"
    mac = hmac.new(credential.secret_key.encode(), to_sign.encode(), digest).digest()
    expected = base64.b64encode(mac).decode()
    if not hmac.compare_digest(expected, sent["Signature"]):
        raise ApiError(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. "
            "Please check your signature is correct.",
        )
    headers = {
        "x-tc-action": sent.get("Action", ""),
        "x-tc-version": sent.get("Version", ""),
        "x-tc-region": sent.get("Region", ""),
    }
    if "Language" in sent:
        headers["x-tc-language"] = sent["Language"]
    own = [(k, v) for k, v in pairs if k not in COMMON]
    return LegacyRequest(sent.get("Action", ""), headers, own)
