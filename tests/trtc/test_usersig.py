"""UserSig and PrivateMapKey: byte for byte what Tencent's own generator makes."""

from __future__ import annotations

import base64
import contextlib
import json
import struct
import zlib

import pytest
import TLSSigAPIv2 as official  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from bot.trtc.usersig import BadSig, decode, private_map_key, user_sig, verify

# The key in the official package's own example (TLSSigAPIv2.main).
APP, KEY = 1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
NOW = 1_765_000_000

ids = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
    min_size=1,
    max_size=32,
)


def _official(monkeypatch: pytest.MonkeyPatch, now: int) -> official.TLSSigAPIv2:
    monkeypatch.setattr(official.time, "time", lambda: float(now))
    return official.TLSSigAPIv2(APP, KEY)


def test_user_sig_is_the_official_generators(monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = _official(monkeypatch, NOW).gen_sig("xiaojun", 86400 * 180)
    assert user_sig(APP, KEY, "xiaojun", expire_s=86400 * 180, now=NOW) == theirs


@given(user=ids, expire=st.integers(1, 10**8), now=st.integers(1, 2**31 - 1))
def test_user_sig_matches_for_any_user_and_time(user: str, expire: int, now: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        theirs = _official(mp, now).gen_sig(user, expire)
    assert user_sig(APP, KEY, user, expire_s=expire, now=now) == theirs


@given(user=ids, room=st.integers(1, 2**32 - 1), privileges=st.integers(0, 255))
def test_private_map_key_matches_for_numeric_rooms(user: str, room: int, privileges: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        api = _official(mp, NOW)
        theirs = api.gen_sig_with_userbuf(user, 3600, _repository_userbuf(user, room, privileges))
    ours = private_map_key(APP, KEY, user, room, privileges=privileges, expire_s=3600, now=NOW)
    assert ours == theirs


def _repository_userbuf(user: str, room: int, privileges: int) -> bytes:
    """``_gen_userbuf`` of tencentyun/tls-sig-api-v2-python (newer than its PyPI release),
    byte by byte: version 0, account length and bytes, then five big-endian words."""
    words = (APP, room, NOW + 3600, privileges, 0)
    return bytes([0, len(user) >> 8, len(user) & 0xFF, *map(ord, user)]) + b"".join(
        w.to_bytes(4, "big") for w in words
    )


def test_string_room_ticket_carries_the_room_after_the_fixed_part() -> None:
    key = private_map_key(APP, KEY, "alice", "webinar-7", privileges=42, expire_s=60, now=NOW)
    ticket = verify(key, APP, KEY, now=NOW)
    assert ticket.userbuf is not None
    version, length = struct.unpack(">BH", ticket.userbuf[:3])
    assert (version, ticket.userbuf[3 : 3 + length]) == (1, b"alice")
    app, numeric, expires, privileges, kind = struct.unpack(">IIIII", ticket.userbuf[8:28])
    assert (app, numeric, expires, privileges, kind) == (APP, 0, NOW + 60, 42, 0)
    (size,) = struct.unpack(">H", ticket.userbuf[28:30])
    assert ticket.userbuf[30 : 30 + size] == b"webinar-7"


def test_verify_accepts_its_own_and_refuses_the_rest() -> None:
    sig = user_sig(APP, KEY, "bot_recorder", expire_s=600, now=NOW)
    assert verify(sig, APP, KEY, now=NOW + 600).user_id == "bot_recorder"
    with pytest.raises(BadSig, match="expired"):
        verify(sig, APP, KEY, now=NOW + 601)
    with pytest.raises(BadSig, match="secret"):
        verify(sig, APP, "another-key", now=NOW)
    with pytest.raises(BadSig, match="application"):
        verify(sig, APP + 1, KEY, now=NOW)
    forged = decode(sig) | {"TLS.identifier": "admin"}
    packed = base64.b64encode(zlib.compress(json.dumps(forged).encode())).decode()
    with pytest.raises(BadSig, match="secret"):
        verify(packed.replace("+", "*").replace("/", "-").replace("=", "_"), APP, KEY, now=NOW)


@given(st.text(max_size=80))
def test_garbage_is_refused_not_raised_otherwise(text: str) -> None:
    with contextlib.suppress(BadSig):
        verify(text, APP, KEY, now=NOW)


def test_decode_reads_the_official_json() -> None:
    fields = decode(user_sig(APP, KEY, "u1", expire_s=5, now=NOW))
    assert fields["TLS.ver"] == "2.0"
    assert base64.b64decode(fields["TLS.sig"])
