"""Comma-separated decimal numbers → float64, each exactly as ``float()`` reads it.

DescribeCallDetailInfo answers are mostly numbers (~240,000 in 4 MB); numpy's text
reader takes ~200 ns each. They are JSON numbers, so orjson reads them as one JSON
array (~110 ns each, list and conversion included; its float parsing is correctly
rounded). What orjson refuses (``5.``, ``+4``, ``007``: not JSON) or would read
differently (``-0``, an integer, would lose its sign) is read column by column with
array operations: the digits as an integer below 2**53 divided by a power of ten that
is itself exact, one correctly rounded division. Anything else (exponents with those,
longer numbers) goes to numpy's text reader.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import orjson
from numpy.lib.stride_tricks import sliding_window_view

FloatArray = npt.NDArray[np.float64]

_MAX_DIGITS = 15  # below 2**53: the integer is exact in a float64
_POWERS = np.array([float(10**k) for k in range(_MAX_DIGITS + 1)])  # each exact
_COMMA, _MINUS, _DOT, _ZERO = b",-.0"
_JSON_NUMBER = b"0123456789.-+eE,"  # the characters a list of JSON numbers is made of
_PIECE = 64 * 1024  # ~0.5 ms of parsing


def read_numbers(text: bytes) -> FloatArray | None:
    """``b"1,-2.5,3"`` → ``[1.0, -2.5, 3.0]``; None when an item is not a number."""
    if not text:
        return np.zeros(0)
    read = _read_json(text)
    if read is None:
        read = _read_plain(text) if b"+" not in text else None
    return read if read is not None else _read_any(text)


def _read_json(text: bytes) -> FloatArray | None:
    """None unless every item is a JSON number (not ``true``, ``null``…) other than ``-0``.

    Read in pieces of about ``_PIECE`` bytes: one orjson call holds the GIL throughout,
    and this runs in a worker thread beside the event loop, which may take the GIL
    between pieces (a 2 MB call in one piece stalled the loop ~15 ms per answer, and
    the paced requests of a big ``quality`` left late)."""
    if (
        text.translate(None, _JSON_NUMBER)
        or text.startswith(b",")
        or text.endswith((b",", b"-0"))
        or b"-0," in text
    ):
        return None
    pieces: list[FloatArray] = []
    start = 0
    while start < len(text):
        end = text.find(b",", start + _PIECE)
        if end < 0:
            end = len(text)
        try:
            items = orjson.loads(b"[" + text[start:end] + b"]")
        except orjson.JSONDecodeError:
            return None
        pieces.append(np.fromiter(items, np.float64, len(items)))  # no type guessing
        start = end + 1
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _read_plain(text: bytes) -> FloatArray | None:
    chars = np.frombuffer(text, np.uint8)
    commas = np.flatnonzero(chars == _COMMA)
    ends = np.append(commas, chars.size)  # each number's end (exclusive)
    starts = np.append(0, commas + 1)
    dots, minuses = np.flatnonzero(chars == _DOT), np.flatnonzero(chars == _MINUS)
    digits = np.frombuffer(text.translate(None, b".-,"), np.uint8) - np.uint8(_ZERO)
    if dots.size + minuses.size + commas.size + digits.size != chars.size or (digits > 9).any():
        return None  # some other character
    dotted = np.searchsorted(ends, dots)  # the number each "." is in
    signed = np.searchsorted(ends, minuses)
    if (dotted[1:] == dotted[:-1]).any() or (starts[signed] != minuses).any():
        return None  # two dots in a number, or a "-" inside one
    width = ends - starts  # then digits only
    width[dotted] -= 1
    width[signed] -= 1
    if width.min() < 1 or width.max() > _MAX_DIGITS:
        return None
    first = np.cumsum(width) - width  # each number's first digit in ``digits``
    mantissa = np.empty(width.size, np.int64)
    for w in np.flatnonzero(np.bincount(width)).tolist():
        group = np.flatnonzero(width == w)
        block = sliding_window_view(digits, w)[first[group]]  # one row per number
        value = block[:, 0].astype(np.int64)
        for column in range(1, w):
            value = value * 10 + block[:, column]
        mantissa[group] = value
    decimals = np.zeros(width.size, np.intp)
    decimals[dotted] = ends[dotted] - dots - 1
    values: FloatArray = mantissa / _POWERS[decimals]
    values[signed] = -values[signed]
    return values


def _read_any(text: bytes) -> FloatArray | None:
    try:
        flat = np.loadtxt([text], delimiter=",", comments=None, dtype=np.float64, ndmin=1)
    except ValueError:
        return None
    return np.asarray(flat, np.float64)
