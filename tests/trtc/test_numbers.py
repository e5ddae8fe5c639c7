"""The array reader of comma-separated numbers reads each exactly as ``float()`` does."""

from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from bot.trtc.numbers import read_numbers

NUMBER = st.one_of(
    st.integers(-(10**15), 10**15).map(str),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(-(10**6), 10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "-0", "-0.0", "5.", ".5", "-.5", "007", "1e-05", "2.5E3", "+4", "0.1"]),
)


@given(st.lists(NUMBER, min_size=1, max_size=40))
def test_numbers_read_as_float_reads_them(texts: list[str]) -> None:
    got = read_numbers(",".join(texts).encode())
    assert got is not None
    want = [float(t) for t in texts]
    assert got.tolist() == want
    assert [math.copysign(1, v) for v in got.tolist()] == [math.copysign(1, v) for v in want]


def test_what_is_not_a_number_is_refused() -> None:
    empty = read_numbers(b"")
    assert empty is not None and empty.size == 0
    for text in (b"1,,2", b"1,2,", b"-", b"1-2", b"1.2.3", b"--1", b"1,a", b".", b"1,null"):
        assert read_numbers(text) is None, text


def test_a_long_text_is_read_in_pieces_exactly_and_refused_anywhere() -> None:
    """Megabytes of numbers are read piece by piece (the event loop gets the GIL between
    pieces); the result is still exact, and a bad item in a late piece still refuses all."""
    rng = random.Random(7)
    texts = [
        rng.choice([repr(rng.uniform(-1e6, 1e6)), str(rng.randrange(10**10)), "-0.0", "1e-3"])
        for _ in range(40_000)
    ]
    text = ",".join(texts).encode()
    assert len(text) > 4 * 64 * 1024
    got = read_numbers(text)
    assert got is not None and got.tolist() == [float(t) for t in texts]
    late = ",".join([*texts[:35_000], "null", *texts[35_000:]]).encode()
    assert read_numbers(late) is None
    assert read_numbers(text + b",") is None
    at = text.index(b",", 300_000)
    assert read_numbers(text[:at] + b"," + text[at:]) is None  # an empty item, late
