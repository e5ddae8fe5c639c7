"""Deterministic noise and the array helpers every simulated series is built from.

A sample is a pure function of its key and t: hashing (splitmix64 over a
blake2b key) instead of a random generator gives random access by t, so any
window of any series is computed without the ones before it.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# uint64 arithmetic wraps modulo 2**64: the mask of the integer version, for free.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TWO_64 = 2.0**64


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: a cheap, well-spread hash of 64-bit integers."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def round2(values: FloatArray) -> FloatArray:
    """``round(v or 0.0, 2)`` for each element, bit for bit.

    ``rint(v * 100)`` can pick the other neighbour only when the product lies
    within rounding error of a half; those few go through Python's ``round``.
    """
    values = np.where(values == 0.0, 0.0, values)  # -0.0 → 0.0, as `v or 0.0` did
    scaled = values * 100.0
    out: FloatArray = np.rint(scaled) / 100.0
    doubtful = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (np.abs(values) >= 1e7)
    for i in np.flatnonzero(doubtful).tolist():
        out[i] = round(float(values[i]), 2)
    return out


class Noise:
    """Deterministic noise per (seed, CommId, user) and a name; random access by t."""

    def __init__(self, seed: int, comm_id: str, user_id: str) -> None:
        self._prefix = f"{seed}|{comm_id}|{user_id}|"
        self._keys: dict[str, np.uint64] = {}

    def _key(self, name: str) -> np.uint64:
        key = self._keys.get(name)
        if key is None:
            digest = hashlib.blake2b((self._prefix + name).encode(), digest_size=8).digest()
            key = self._keys[name] = np.uint64(int.from_bytes(digest, "big"))
        return key

    def unit(self, name: str, n: IntArray) -> FloatArray:
        """Uniform in [0, 1) per integer ``n``."""
        mixed = _mix(self._key(name) ^ (n.astype(np.uint64) * _GOLDEN))
        return mixed.astype(np.float64) / _TWO_64

    def smooth(self, name: str, t: IntArray, period: int = 20) -> FloatArray:
        """Value noise in [0, 1): linear between knots every ``period`` seconds."""
        knot, rest = np.divmod(t, period)
        if knot.size == 0:
            return np.zeros(0)
        first = int(knot.min())
        knots = self.unit(name, np.arange(first, int(knot.max()) + 2, dtype=np.int64))
        a = knots[knot - first]
        return a + (knots[knot - first + 1] - a) * rest / period  # type: ignore[no-any-return]


def instants(grid: range) -> IntArray:
    return np.arange(grid.start, grid.stop, grid.step, dtype=np.int64)
