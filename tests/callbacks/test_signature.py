"""The callback signature: Base64(HMAC-SHA256(key, raw body)), checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import sign, verify

# The reference's verified vector (§11): real newline and tab characters, 207 bytes.
VECTOR_BODY = (
    b'{\n\t"EventGroupId":\t2,\n\t"EventType":\t204,\n\t"CallbackTs":\t1664209748188,\n'
    b'\t"EventInfo":\t{\n\t\t"RoomId":\t8489,\n\t\t"EventTs":\t1664209748,\n'
    b'\t\t"EventMsTs":\t1664209748180,\n\t\t"UserId":\t"user_85034614",\n'
    b'\t\t"Reason":\t0\n\t}\n}'
)
VECTOR_KEY = "123654"
VECTOR_SIGN = "kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA="

keys = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=32)


def test_reference_vector() -> None:
    """The documented body and key give the documented Sign, and it verifies."""
    assert len(VECTOR_BODY) == 207
    assert sign(VECTOR_BODY, VECTOR_KEY) == VECTOR_SIGN
    assert verify(VECTOR_BODY, VECTOR_SIGN, VECTOR_KEY)


def test_second_sample_from_the_php_and_go_snippets() -> None:
    """The second sample (key 789) gives the value the reference computed for it."""
    body = (
        b'{\n\t"EventGroupId":\t1,\n\t"EventType":\t101,\n\t"CallbackTs":\t1608086882372,\n'
        b'\t"EventInfo":\t{\n\t\t"RoomId":\t20222,\n\t\t"EventTs":\t1608086882,\n'
        b'\t\t"UserId":\t"222222_phone"\n\t}\n}'
    )
    assert sign(body, "789") == "t2Yq1R4wilV/RIMRyygkgdhxWO8dgTdXXrfNVtz7V3k="


def test_html_escaped_body_is_not_the_signed_one() -> None:
    """Literal backslash-n/backslash-t (the doc page's rendering) give the wrong Sign."""
    escaped = VECTOR_BODY.replace(b"\n", b"\\n").replace(b"\t", b"\\t")
    assert sign(escaped, VECTOR_KEY) == "LvKyTq86nULm22HssZHPn1L7gkGafhnxpO//kNZ31TM="
    assert not verify(escaped, VECTOR_SIGN, VECTOR_KEY)


def test_missing_or_empty_parts_never_verify() -> None:
    """No Sign, an empty Sign or an empty key is a failure, not a pass."""
    assert not verify(VECTOR_BODY, None, VECTOR_KEY)
    assert not verify(VECTOR_BODY, "", VECTOR_KEY)
    assert not verify(VECTOR_BODY, VECTOR_SIGN, "")


@given(body=st.binary(max_size=2048), key=keys)
def test_sign_matches_the_definition(body: bytes, key: str) -> None:
    """sign() is exactly Base64 of HMAC-SHA256 keyed with the key's own bytes."""
    expected = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    assert sign(body, key) == expected
    assert verify(body, expected, key)


@given(body=st.binary(min_size=1, max_size=512), key=keys, data=st.data())
def test_any_changed_byte_fails(body: bytes, key: str, data: st.DataObject) -> None:
    """Flipping any bit of the body makes the signature fail."""
    index = data.draw(st.integers(0, len(body) - 1))
    bit = data.draw(st.integers(0, 7))
    changed = bytearray(body)
    changed[index] ^= 1 << bit
    assert not verify(bytes(changed), sign(body, key), key)


@given(body=st.binary(max_size=512), key=keys, other=keys)
def test_another_key_fails(body: bytes, key: str, other: str) -> None:
    """A signature made with another key does not verify."""
    if other != key:
        assert not verify(body, sign(body, other), key)


@given(body=st.binary(max_size=256), garbage=st.text(max_size=80))
def test_garbage_sign_fails_without_raising(body: bytes, garbage: str) -> None:
    """Any header text (non-ASCII, wrong length, not Base64) is a plain failure."""
    assert verify(body, garbage, "k3y") == (garbage.strip() == sign(body, "k3y"))
