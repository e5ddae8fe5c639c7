"""TC3-HMAC-SHA256 verification, as the TRTC endpoint does it.

The canonical request is rebuilt from the ``SignedHeaders`` the caller actually
listed (``content-type;host`` as the SDKs sign, ``content-type;host;x-tc-action``
as the current docs sign, or any superset), with the header values as sent,
trimmed and lower-cased. ``X-TC-Content-SHA256: UNSIGNED-PAYLOAD`` replaces the
body hash by the hash of that literal. GET requests sign the raw query string
and an empty body. The order of checks (and so which error wins when several
apply) is: Authorization syntax, timestamp, clock skew, SecretId, credential
scope, token, signature.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.trtc.signing import (
    UNSIGNED_PAYLOAD,
    MalformedAuthorization,
    canonical_request,
    parse_authorization,
    sha256_hex,
    signature,
    string_to_sign,
    utc_date,
)
from bot.trtc.simulator.envelope import ApiError

SERVICE = "trtc"
# The documented shape, exactly: one space after the algorithm, ", " between the parts.
_DOCUMENTED_FORM = re.compile(
    r"TC3-HMAC-SHA256 Credential=[^,\s]+, SignedHeaders=[^,\s]+, Signature=[^,\s]+"
)


@dataclass(frozen=True)
class Credential:
    """The one key pair (and optional STS token) the simulator accepts."""

    secret_id: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)


def _timestamp(headers: Mapping[str, str]) -> int:
    raw = headers.get("x-tc-timestamp")
    if raw is None or not raw.strip():
        raise ApiError(
            "MissingParameter", "The request is missing a required parameter `Timestamp`."
        )
    try:
        return int(raw.strip())
    except ValueError:
        raise ApiError(
            "InvalidParameterValue",
            f"The value `{raw}` specified in the parameter `Timestamp` is not valid.",
        ) from None


def verify_signature(
    *,
    method: str,
    headers: Mapping[str, str],
    query: str,
    body: bytes,
    credential: Credential,
    now: float,
    max_skew_s: float,
) -> str:
    """Raise the ApiError TRTC would answer, or return the caller's SecretId.

    ``headers`` maps lower-case names to the values as received.
    """
    value = headers.get("authorization")
    if not value:
        raise ApiError(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is missing; TC3-HMAC-SHA256 signing is required.",
        )
    if not _DOCUMENTED_FORM.fullmatch(value):
        raise ApiError(
            "AuthFailure.InvalidAuthorization",
            "Authorization header is invalid: write `TC3-HMAC-SHA256 Credential=SecretId/Date/"
            "trtc/tc3_request, SignedHeaders=content-type;host, Signature=<64 lower-case hex>` "
            "with one space after the algorithm and `, ` between the parts.",
        )
    try:
        auth = parse_authorization(value)
    except MalformedAuthorization as bad:
        raise ApiError(
            "AuthFailure.InvalidAuthorization",
            f"Authorization header is invalid: {bad}. Expected `TC3-HMAC-SHA256 "
            "Credential=SecretId/Date/trtc/tc3_request, SignedHeaders=..., Signature=...`.",
        ) from None
    timestamp = _timestamp(headers)
    if abs(now - timestamp) > max_skew_s:
        raise ApiError(
            "AuthFailure.SignatureExpire",
            f"Signature expired: X-TC-Timestamp {timestamp} differs from server time "
            f"{int(now)} by {int(abs(now - timestamp))} s (more than {int(max_skew_s)} s "
            "allowed). Check the local clock.",
        )
    if auth.secret_id != credential.secret_id:
        raise ApiError(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct "
            "(no spaces around it).",
        )
    if auth.service != SERVICE:
        raise ApiError(
            "AuthFailure.SignatureFailure",
            f"The credential scope names service `{auth.service}`; TRTC requests are "
            f"signed for service `{SERVICE}`.",
        )
    expected_date = utc_date(timestamp)
    if auth.date != expected_date:
        raise ApiError(
            "AuthFailure.SignatureFailure",
            f"The credential scope date `{auth.date}` is not the UTC date of "
            f"X-TC-Timestamp ({expected_date}).",
        )
    _check_token(headers.get("x-tc-token"), credential.token)
    missing = [name for name in auth.signed_headers if name not in headers]
    if missing:
        raise ApiError(
            "AuthFailure.SignatureFailure",
            f"Signed header(s) {', '.join(missing)} are not present in the request.",
        )
    if headers.get("x-tc-content-sha256", "").strip() == UNSIGNED_PAYLOAD:
        payload_hash = sha256_hex(UNSIGNED_PAYLOAD.encode())
    else:
        payload_hash = sha256_hex(b"" if method == "GET" else body)
    canonical = canonical_request(
        method=method,
        headers=headers,
        signed_headers=auth.signed_headers,
        payload_hash=payload_hash,
        query=query if method == "GET" else "",
    )
    expected = signature(
        credential.secret_key,
        date=auth.date,
        service=auth.service,
        to_sign=string_to_sign(timestamp, auth.scope, canonical),
    )
    # Lower-case hex exactly, as TC3 defines it: an upper-case digest is another string.
    if not hmac.compare_digest(expected, auth.signature):
        raise ApiError(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. "
            "Please check your signature is correct.",
        )
    return auth.secret_id


def _check_token(sent: str | None, configured: str | None) -> None:
    if configured is None:
        if sent:
            raise ApiError(
                "AuthFailure.TokenFailure",
                "X-TC-Token was sent but this SecretId is a long-term key, not a temporary one.",
            )
        return
    if not sent or not hmac.compare_digest(sent.encode(), configured.encode()):
        raise ApiError(
            "AuthFailure.TokenFailure",
            "The X-TC-Token of the temporary credential is missing or invalid.",
        )
