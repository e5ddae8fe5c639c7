"""TC3-HMAC-SHA256 request signing (Tencent Cloud API 3.0).

Pure: the timestamp is passed in, nothing here does I/O or reads a clock. The
simulator verifies with the same primitives, rebuilding the canonical request
from whatever ``SignedHeaders`` the caller actually sent.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

ALGORITHM = "TC3-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_TERMINATOR = "tc3_request"


def utc_date(timestamp: int) -> str:
    """The credential-scope date: the timestamp's day in UTC, not local time."""
    return _day(timestamp // 86400)


@lru_cache(maxsize=8)
def _day(day: int) -> str:
    return datetime.fromtimestamp(day * 86400, tz=UTC).strftime("%Y-%m-%d")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    # hmac.digest is the one-shot C path: several times faster than hmac.new.
    return hmac.digest(key, msg.encode("utf-8"), "sha256")


def signing_key(secret_key: str, date: str, service: str) -> bytes:
    return _signer(secret_key, date, service)[0]


@lru_cache(maxsize=64)
def _signer(secret_key: str, date: str, service: str) -> tuple[bytes, hmac.HMAC]:
    """The derived key changes once a day per (secret, service): cache it.

    The cache holds derived keys, never the secret in a form that is printed;
    64 entries cover every (credential, day, service) a process meets.
    """
    secret_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    secret_service = _hmac(secret_date, service)
    key = _hmac(secret_service, _TERMINATOR)
    # A keyed HMAC ready to copy saves re-deriving its pads on every request.
    return key, hmac.new(key, digestmod=hashlib.sha256)


def canonical_request(
    *,
    method: str,
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    payload_hash: str,
    query: str = "",
    uri: str = "/",
) -> str:
    """Six lines; header names and values are lower-cased and trimmed.

    ``headers`` maps lower-case names to values as sent; ``signed_headers``
    lists lower-case names in the order they appear in the Authorization.
    """
    names = sorted(signed_headers)
    block = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in names)
    return "\n".join([method.upper(), uri, query, block, ";".join(names), payload_hash])


def string_to_sign(timestamp: int, scope: str, canonical: str) -> str:
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{sha256_hex(canonical.encode('utf-8'))}"


def signature(secret_key: str, *, date: str, service: str, to_sign: str) -> str:
    mac = _signer(secret_key, date, service)[1].copy()
    mac.update(to_sign.encode("utf-8"))
    return mac.hexdigest()


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The headers to send; ``authorization`` carries no secret, only its proof."""

    headers: dict[str, str]
    authorization: str
    signature: str


def sign_request(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    action: str,
    version: str,
    region: str | None,
    timestamp: int,
    payload: bytes,
    content_type: str = "application/json",
    token: str | None = None,
    language: str | None = None,
    sign_action: bool = True,
) -> SignedRequest:
    """Sign a POST of ``payload`` and return every header the request needs.

    ``sign_action`` adds ``x-tc-action`` to the signed headers, as the current
    documentation does; the official SDKs sign only ``content-type;host``.
    """
    # The canonical request written out for our fixed header set (a hot path);
    # canonical_request() is the general form the simulator verifies with.
    names = "content-type;host;x-tc-action" if sign_action else "content-type;host"
    action_line = f"x-tc-action:{action.lower()}\n" if sign_action else ""
    canonical = (
        f"POST\n/\n\ncontent-type:{content_type.strip().lower()}\nhost:{host.strip().lower()}\n"
        f"{action_line}\n{names}\n{hashlib.sha256(payload).hexdigest()}"
    )
    date = utc_date(timestamp)
    scope = f"{date}/{service}/{_TERMINATOR}"
    sig = signature(
        secret_key,
        date=date,
        service=service,
        to_sign=string_to_sign(timestamp, scope, canonical),
    )
    authorization = (
        f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={names}, Signature={sig}"
    )
    out = {
        "Authorization": authorization,
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": version,
    }
    if region:
        out["X-TC-Region"] = region
    if token:
        out["X-TC-Token"] = token
    if language:
        out["X-TC-Language"] = language
    return SignedRequest(headers=out, authorization=authorization, signature=sig)


@dataclass(frozen=True, slots=True)
class Authorization:
    """A parsed ``Authorization`` header."""

    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.service}/{_TERMINATOR}"


class MalformedAuthorization(ValueError):
    """The header is not a TC3 authorization (maps to AuthFailure.InvalidAuthorization)."""


def parse_authorization(value: str) -> Authorization:
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise MalformedAuthorization(f"algorithm must be {ALGORITHM}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            raise MalformedAuthorization(f"expected key=value, got {part.strip()!r}")
        fields[key] = val
    try:
        credential, signed, sig = fields["Credential"], fields["SignedHeaders"], fields["Signature"]
    except KeyError as missing:
        raise MalformedAuthorization(f"missing {missing.args[0]}") from None
    pieces = credential.split("/")
    if len(pieces) != 4 or pieces[3] != _TERMINATOR:
        raise MalformedAuthorization("Credential must be SecretId/Date/service/tc3_request")
    names = tuple(signed.split(";"))
    if "content-type" not in names or "host" not in names:
        raise MalformedAuthorization("SignedHeaders must include content-type and host")
    return Authorization(
        secret_id=pieces[0],
        date=pieces[1],
        service=pieces[2],
        signed_headers=names,
        signature=sig,
    )
