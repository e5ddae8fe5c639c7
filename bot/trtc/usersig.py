"""UserSig and PrivateMapKey (TLS signature v2): what a robot the bot sends into a room
(a recorder, an ingest stream) presents, signed with the application's SDK secret key.

The SDK secret (``TRTC_SDK_SECRET_KEY``) is not the API key: it belongs to one SdkAppId
and proves "this user may use this application". The algorithm is
``tencentyun/tls-sig-api-v2-python``'s; its PyPI release (1.1, 2019) is untyped, reads
the clock itself and has no PrivateMapKey, so it is written out here and the tests check
byte-for-byte equality with that package (a test dependency). Layout of the
PrivateMapKey's ``userbuf``: trtc-server-api-2.md §9.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import time
import zlib
from dataclasses import dataclass
from typing import Any

VERSION = "2.0"
DEFAULT_EXPIRE_S = 86_400
ALL_PRIVILEGES = 255  # create, enter, send/receive audio, video and substream


class BadSig(ValueError):
    """A signature that does not decode, or does not verify."""


def user_sig(
    sdkappid: int,
    secret: str,
    user_id: str,
    *,
    expire_s: int = DEFAULT_EXPIRE_S,
    now: int | None = None,
) -> str:
    """A UserSig for ``user_id`` valid ``expire_s`` seconds from ``now``."""
    return _sig(sdkappid, secret, user_id, expire_s, _now(now), None)


def private_map_key(
    sdkappid: int,
    secret: str,
    user_id: str,
    room: int | str,
    *,
    privileges: int = ALL_PRIVILEGES,
    expire_s: int = DEFAULT_EXPIRE_S,
    now: int | None = None,
) -> str:
    """A room ticket for Advanced Permission Control: ``user_id`` may enter ``room``
    with ``privileges`` (the 8-bit map) until ``now + expire_s``."""
    when = _now(now)
    buf = _userbuf(sdkappid, user_id, room, privileges, when + expire_s)
    return _sig(sdkappid, secret, user_id, expire_s, when, buf)


@dataclass(frozen=True)
class Ticket:
    """A decoded, verified signature."""

    sdkappid: int
    user_id: str
    issued: int
    expire_s: int
    userbuf: bytes | None

    @property
    def expires(self) -> int:
        return self.issued + self.expire_s


def verify(sig: str, sdkappid: int, secret: str, *, now: int | None = None) -> Ticket:
    """What TRTC checks at room entry: it decodes, belongs to ``sdkappid``, its HMAC
    matches and it has not expired. Raises ``BadSig`` saying which."""
    fields = decode(sig)
    try:
        user_id = str(fields["TLS.identifier"])
        app = int(fields["TLS.sdkappid"])
        issued = int(fields["TLS.time"])
        expire_s = int(fields["TLS.expire"])
        given = str(fields["TLS.sig"])
        userbuf_b64 = fields.get("TLS.userbuf")
    except (KeyError, TypeError, ValueError) as exc:
        raise BadSig(f"missing or malformed field: {exc}") from None
    if app != sdkappid:
        raise BadSig(f"signed for application {app}, not {sdkappid}")
    expected = _hmac(secret, user_id, app, issued, expire_s, userbuf_b64)
    if not hmac.compare_digest(expected, given):
        raise BadSig("signature does not match the secret key")
    if issued + expire_s < _now(now):
        raise BadSig("expired")
    userbuf = base64.b64decode(userbuf_b64) if userbuf_b64 is not None else None
    return Ticket(app, user_id, issued, expire_s, userbuf)


def decode(sig: str) -> dict[str, Any]:
    """The JSON inside a signature (no verification)."""
    raw = sig.replace("*", "+").replace("-", "/").replace("_", "=")
    try:
        fields = json.loads(zlib.decompress(base64.b64decode(raw, validate=True)))
    except (ValueError, zlib.error) as exc:
        raise BadSig(f"not a TLS signature: {exc}") from None
    if not isinstance(fields, dict):
        raise BadSig("not a TLS signature: not an object")
    return fields


def _sig(
    sdkappid: int, secret: str, user_id: str, expire_s: int, now: int, userbuf: bytes | None
) -> str:
    userbuf_b64 = base64.b64encode(userbuf).decode() if userbuf is not None else None
    fields: dict[str, Any] = {
        "TLS.ver": VERSION,
        "TLS.identifier": user_id,
        "TLS.sdkappid": sdkappid,
        "TLS.expire": expire_s,
        "TLS.time": now,
    }
    if userbuf_b64 is not None:
        fields["TLS.userbuf"] = userbuf_b64
    fields["TLS.sig"] = _hmac(secret, user_id, sdkappid, now, expire_s, userbuf_b64)
    packed = base64.b64encode(zlib.compress(json.dumps(fields).encode())).decode()
    return packed.replace("+", "*").replace("/", "-").replace("=", "_")


def _hmac(
    secret: str, user_id: str, sdkappid: int, now: int, expire_s: int, userbuf_b64: str | None
) -> str:
    text = (
        f"TLS.identifier:{user_id}\nTLS.sdkappid:{sdkappid}\n"
        f"TLS.time:{now}\nTLS.expire:{expire_s}\n"
    )
    if userbuf_b64 is not None:
        text += f"TLS.userbuf:{userbuf_b64}\n"
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _userbuf(sdkappid: int, user_id: str, room: int | str, privileges: int, expires: int) -> bytes:
    account = user_id.encode()
    string_room = isinstance(room, str)
    head = struct.pack(">BH", 1 if string_room else 0, len(account)) + account
    numeric = 0 if string_room else int(room)
    body = struct.pack(">IIIII", sdkappid, numeric, expires, privileges, 0)
    if isinstance(room, str):
        encoded = room.encode()
        return head + body + struct.pack(">H", len(encoded)) + encoded
    return head + body


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else now
