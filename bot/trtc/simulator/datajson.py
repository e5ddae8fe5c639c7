"""``Data`` of DescribeCallDetailInfo as JSON text, written by numpy.

A 1,000-user answer is millions of samples: formatting them row by row in
Python would cost more than computing them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.trtc.simulator.noise import IntArray, instants
from bot.trtc.simulator.quality import Series


def _aligned(numbers: Sequence[int], width: int) -> npt.NDArray[np.uint8]:
    """Row i: ``numbers[i]`` right-aligned in ``width`` columns, padded with spaces."""
    text = "".join(f"{x:>{width}}" for x in numbers).encode("ascii")
    return np.frombuffer(text, np.uint8).reshape(len(numbers), width)


_WHOLE = _aligned(range(10_000), 4)
_FRAC = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), np.uint8).reshape(100, 2)
_POWERS = 10 ** np.arange(18, -1, -1, dtype=np.int64)


def _digits(x: IntArray, width: int) -> npt.NDArray[np.uint8]:
    """Decimal digits of non-negative ``x`` in ``width`` columns, space-padded on the left."""
    powers = _POWERS[-width:]
    out = ((x[:, None] // powers) % 10 + 48).astype(np.uint8)
    out[(x[:, None] < powers) & (powers > 1)] = ord(" ")
    return out


def data_json(found: Sequence[Series]) -> bytes:
    """``Data`` as JSON (UTF-8), written by numpy: one fixed-width row per sample,
    ``{"Time":t,"Value":   v.vv}`` (JSON allows the spaces; each value reads back as the
    same float, its hundredths being exact). Negative values take json.dumps."""
    lengths = [len(s.times) for s in found]
    n = sum(lengths)
    values = np.concatenate([s.values for s in found]) if n else np.zeros(0)
    if n == 0 or bool(np.signbit(values).any()):
        return json.dumps([s.item() for s in found], ensure_ascii=False).encode()
    whole, frac = np.divmod(np.rint(values * 100).astype(np.int64), 100)
    t_width = max(len(str(s.times[-1])) for s in found if len(s.times))
    w_width = len(str(int(whole.max())))
    head = b'{"Time":'
    middle = b',"Value":'
    row = len(head) + t_width + len(middle) + w_width + 5  # "." 2 digits "},"
    rows = np.empty((n, row), np.uint8)
    rows[:, : len(head)] = np.frombuffer(head, np.uint8)
    at = len(head)
    grids: dict[range, npt.NDArray[np.uint8]] = {}
    start = 0
    for series, length in zip(found, lengths, strict=True):
        grid = grids.get(series.times)
        if grid is None:
            grid = grids[series.times] = _digits(instants(series.times), t_width)
        rows[start : start + length, at : at + t_width] = grid
        start += length
    at += t_width
    rows[:, at : at + len(middle)] = np.frombuffer(middle, np.uint8)
    at += len(middle)
    if w_width <= 4:
        rows[:, at : at + w_width] = _WHOLE[whole, 4 - w_width :]
    else:
        rows[:, at : at + w_width] = _aligned(whole.tolist(), w_width)
    at += w_width
    rows[:, at] = ord(".")
    rows[:, at + 1 : at + 3] = _FRAC[frac]
    rows[:, at + 3 :] = np.frombuffer(b"},", np.uint8)
    text = rows.data.cast("B")
    parts: list[bytes | memoryview] = [b"["]
    start = 0
    for series, length in zip(found, lengths, strict=True):
        parts += (
            b'{"Content":[' if start == 0 else b',{"Content":[',
            text[start * row : (start + length) * row - 1],  # no comma after the last
            (
                '],"UserId":'
                + json.dumps(series.user_id)
                + ',"PeerId":'
                + json.dumps(series.peer_id)
                + ',"DataType":'
                + json.dumps(series.data_type)
                + "}"
            ).encode(),
        )
        start += length
    parts.append(b"]")
    return b"".join(parts)
