"""Per-second call-quality series (DescribeCallDetailInfo ``Data``), computed on demand.

Nothing is stored: a sample is a pure function of (seed, CommId, user, peer,
metric, t) and the call's facts (network at t, scripted degradations, blocks
set through SetUserBlocked), so a 1,000-user room costs only what is asked for.
Samples are every 2 s (the spacing of the doc example) on the receiving user's
join-time grid, from join to leave (or now), clipped to the query window. A
series is computed whole, with numpy, from the same formulas a sample at a time
would use (same operations in the same order, so the same bits).

Units (TRTC documents only some of them):

* ``aLoss``, ``bigvLoss``: **percent, 0-100** (TRTC does not state the unit; we
  chose percent, so 20 means 20 % of packets lost).
* ``rtt``: ms. ``aBit``, ``bigvBit``: bit/s. ``aBlock``, ``bigvBlock``: ms of
  stutter within the 2-s sample (0-2000).
* ``appCpu``, ``sysCpu``: percent, 0-100. ``bigvCapFps``, ``bigvEncFps``,
  ``bigvDecFps``, ``bigvRecFps``: frames/s. ``bigvWidth``, ``bigvHeight``: px.
* ``aCapEnergy``, ``aPlayEnergy``: audio level 0-100.

Upstream series (``PeerId`` ""): appCpu, sysCpu, rtt and, for users who publish,
aLoss, bigvLoss, aBit, bigvBit, bigvWidth, bigvHeight, bigvCapFps, bigvEncFps,
bigvRecFps, aCapEnergy. Downstream series (``PeerId`` = the sender) for up to
``MAX_PEERS`` publishing peers, earliest joined first: aLoss, bigvLoss, aBit,
bigvBit, bigvWidth, bigvHeight, bigvDecFps, aBlock, bigvBlock, aPlayEnergy.
Downstream loss is the receiver's own downlink loss; stutter and rendered frame
rate also suffer from the sender's upstream loss, as they do in a real call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.trtc.simulator.call import AUDIO_OFF, VIDEO_OFF, Call, DegradationKind, Member

METRICS = (
    "appCpu", "sysCpu", "aBit", "aBlock", "bigvBit", "bigvCapFps", "bigvEncFps", "bigvDecFps",
    "bigvBlock", "aLoss", "bigvLoss", "bigvWidth", "bigvHeight", "aCapEnergy", "aPlayEnergy",
    "rtt", "bigvRecFps",
)  # fmt: skip
DEVICE_METRICS = frozenset({"appCpu", "sysCpu", "rtt"})
UPSTREAM = DEVICE_METRICS | {
    "aLoss", "bigvLoss", "aBit", "bigvBit", "bigvWidth", "bigvHeight", "bigvCapFps",
    "bigvEncFps", "bigvRecFps", "aCapEnergy",
}  # fmt: skip
DOWNSTREAM = frozenset({
    "aLoss", "bigvLoss", "aBit", "bigvBit", "bigvWidth", "bigvHeight", "bigvDecFps", "aBlock",
    "bigvBlock", "aPlayEnergy",
})  # fmt: skip
SAMPLE_S = 2
MAX_PEERS = 5

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Media = Literal["audio", "video"]

_BASE_LOSS = {"wired": 0.05, "wifi": 0.3, "4g": 0.8, "3g": 2.0, "2g": 5.0}
_BASE_RTT = {"wired": 25.0, "wifi": 45.0, "4g": 80.0, "3g": 150.0, "2g": 400.0}
_BASE_CPU = {"ios": 14.0, "android": 22.0, "windows": 12.0, "mac": 10.0, "web": 25.0}
_LADDER = [(1280, 720), (960, 540), (640, 360), (480, 270)]
_BITRATE = {720: 1_200_000.0, 540: 900_000.0, 360: 550_000.0, 270: 350_000.0}
# uint64 arithmetic wraps modulo 2**64: the mask of the integer version, for free.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TWO_64 = 2.0**64


@dataclass(frozen=True, slots=True)
class Series:
    """One QualityData item as arrays: ``values[i]`` at ``times[i]``, rounded to 0.01."""

    user_id: str
    peer_id: str  # "" = upstream of user_id
    data_type: str
    times: range
    values: FloatArray

    def content(self) -> list[dict[str, Any]]:
        """The documented ``Content``: ``[{"Time": s, "Value": v}, ...]``."""
        values = self.values.tolist()
        return [{"Time": t, "Value": v} for t, v in zip(self.times, values, strict=True)]

    def item(self) -> dict[str, Any]:
        return {
            "Content": self.content(),
            "UserId": self.user_id,
            "PeerId": self.peer_id,
            "DataType": self.data_type,
        }


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: a cheap, well-spread hash of 64-bit integers."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def _round2(values: FloatArray) -> FloatArray:
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


class _Noise:
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


def _instants(grid: range) -> IntArray:
    return np.arange(grid.start, grid.stop, grid.step, dtype=np.int64)


def _stepwise(t: IntArray, initial: float, changes: Sequence[tuple[int, float]]) -> FloatArray:
    """A value that changes at given instants; later entries win, as a loop over them would."""
    out = np.full(t.shape, initial, dtype=np.float64)
    for ts, value in changes:
        out = np.where(t >= ts, value, out)
    return out


class _Stream:
    """One member as a sender (upstream) and as a receiver (downstream).

    Series are memoised per sample grid: the receiver's downlink loss is shared by
    every peer, a sender's upstream values by every receiver on the same grid.
    """

    def __init__(self, call: Call, member: Member, seed: int) -> None:
        self.member = member
        self.noise = _Noise(seed, call.comm_id, member.user_id)
        self._degradations = [d for d in call.degradations if d.user_id == member.user_id]
        self._memo: dict[tuple[str, range], FloatArray] = {}

    def _cached(
        self, name: str, grid: range, compute: Callable[[IntArray], FloatArray]
    ) -> FloatArray:
        value = self._memo.get((name, grid))
        if value is None:
            value = self._memo[name, grid] = compute(_instants(grid))
        return value

    def _network(self, table: Mapping[str, float], t: IntArray) -> FloatArray:
        m = self.member
        return _stepwise(t, table[m.network], [(ts, table[net]) for ts, net in m.network_changes])

    def _mute(self, t: IntArray) -> FloatArray:
        return _stepwise(t, 0, self.member.mute_changes)

    def _extra(
        self, kind: DegradationKind, t: IntArray, media: Media | None, up: bool
    ) -> FloatArray | None:
        """Scripted amounts active at each instant, summed in script order; None: none."""
        direction = "up" if up else "down"
        total: FloatArray | None = None
        for d in self._degradations:
            if d.kind != kind:
                continue
            if media is not None and not (d.affects(media) and d.direction == direction):
                continue
            active = (t >= d.start_ts) & (t < d.end_ts)
            if active.any():
                add = np.where(active, float(d.amount), 0.0)
                total = add if total is None else total + add
        return total

    def loss(self, media: Media, up: bool, grid: range) -> FloatArray:
        return self._cached(f"loss{media}{up}", grid, lambda t: self._loss(media, up, t))

    def _loss(self, media: Media, up: bool, t: IntArray) -> FloatArray:
        tag = f"{media}{'up' if up else 'down'}"
        n = self.noise
        value = self._network(_BASE_LOSS, t) * (0.3 + 1.4 * n.smooth("loss" + tag, t))
        spike = n.unit("spike" + tag, t) > 0.985
        if spike.any():
            value[spike] += 1.0 + 2.0 * n.unit("spikesize" + tag, t[spike])
        extra = self._extra("loss", t, media, up)
        if extra is not None:
            hit = extra != 0
            value[hit] += extra[hit] * (0.9 + 0.2 * n.unit("deg" + tag, t[hit]))
        return np.minimum(100.0, value)

    def _cpu(self, grid: range) -> FloatArray:
        def compute(t: IntArray) -> FloatArray:
            base = _BASE_CPU.get(self.member.device_type, 12.0)
            value = base * (0.8 + 0.4 * self.noise.smooth("cpu", t))
            extra = self._extra("cpu", t, None, True)
            return np.minimum(100.0, value if extra is None else value + extra)

        return self._cached("cpu", grid, compute)

    def _size(self, grid: range) -> tuple[FloatArray, FloatArray]:
        m = self.member
        size = (m.width, m.height)
        if size not in _LADDER:
            return np.full(len(grid), float(m.width)), np.full(len(grid), float(m.height))
        lost = self.loss("video", True, grid)
        # QoS lowers resolution under loss
        step = np.where(lost >= 20, 2, np.where(lost >= 8, 1, 0))
        rung = np.minimum(len(_LADDER) - 1, _LADDER.index(size) + step)
        widths, heights = np.array(_LADDER, dtype=np.float64).T
        return widths[rung], heights[rung]

    def up(self, metric: str, grid: range) -> FloatArray:
        """Upstream values (the caller checks that this user sends such media)."""
        return self._cached(metric, grid, lambda t: self._up(metric, grid, t))

    def _up(self, metric: str, grid: range, t: IntArray) -> FloatArray:
        m, n = self.member, self.noise
        if metric == "appCpu":
            return self._cpu(grid)
        if metric == "sysCpu":
            return np.minimum(100.0, self._cpu(grid) + 15.0 + 20.0 * n.smooth("sys", t, 30))
        if metric == "rtt":
            base = self._network(_BASE_RTT, t) * (0.8 + 0.4 * n.smooth("rtt", t))
            rtt = self._extra("rtt", t, None, True)
            loss = self._extra("loss", t, None, True)
            return base + (0.0 if rtt is None else rtt) + 2.0 * (0.0 if loss is None else loss)
        if not m.publishes:
            raise ValueError(f"{m.user_id} sends no {metric}")
        mute = self._mute(t)
        audio_off = np.isin(mute, list(AUDIO_OFF))
        if metric in ("aLoss", "bigvLoss"):
            return self.loss("audio" if metric == "aLoss" else "video", True, grid)
        if metric == "aBit":
            return np.where(audio_off, 0.0, 40_000.0 * (0.9 + 0.2 * n.unit("abit", t)))
        if metric == "aCapEnergy":
            talking = n.smooth("talk", t, 8) > 0.5
            energy = np.where(
                talking, 35.0 + 45.0 * n.unit("energy", t), 1.0 + 4.0 * n.unit("hum", t)
            )
            return np.where(audio_off, 0.0, energy)
        return np.where(np.isin(mute, list(VIDEO_OFF)), 0.0, self._video(metric, grid, t))

    def _video(self, metric: str, grid: range, t: IntArray) -> FloatArray:
        m, n = self.member, self.noise
        width, height = self._size(grid)
        if metric == "bigvWidth":
            return width
        if metric == "bigvHeight":
            return height
        if metric == "bigvBit":
            lost = np.minimum(0.5, self.loss("video", True, grid) / 100.0)
            rate = np.array([_BITRATE.get(h, 900_000.0) for h in height.tolist()])
            return rate * (0.85 + 0.2 * n.unit("vbit", t)) * (1 - lost)  # type: ignore[no-any-return]
        capture = m.fps - np.where(n.unit("capfps", t) > 0.8, 1.0, 0.0)
        if metric == "bigvCapFps":
            return capture
        dropped = np.where(n.unit("enc", t) > 0.7, 1.0, 0.0)
        slow = np.where(self._cpu(grid) > 85, 0.6, 1.0)
        encode: FloatArray = np.maximum(0.0, capture * slow - dropped)
        if metric == "bigvEncFps":
            return encode
        if metric == "bigvRecFps":
            received: FloatArray = encode * (1.0 - self.loss("video", True, grid) / 100.0)
            return received
        raise KeyError(metric)

    def down(self, metric: str, sender: _Stream, grid: range) -> FloatArray:
        """What this user receives from ``sender`` (who publishes) on ``grid``."""
        if metric in ("aLoss", "bigvLoss"):
            return self.loss("audio" if metric == "aLoss" else "video", False, grid)
        if metric in ("bigvWidth", "bigvHeight"):
            return sender.up(metric, grid)
        if metric == "aPlayEnergy":
            return 0.9 * sender.up("aCapEnergy", grid)
        if metric in ("aBit", "bigvBit"):
            media: Media = "audio" if metric == "aBit" else "video"
            received = 1.0 - self.loss(media, False, grid) / 100.0
            return sender.up(metric, grid) * received
        audio = metric == "aBlock"
        media = "audio" if audio else "video"
        combined = sender.loss(media, True, grid) + self.loss(media, False, grid)
        if metric == "bigvDecFps":
            encoded = sender.up("bigvEncFps", grid)
            return np.maximum(0.0, encoded * (1.0 - np.minimum(0.9, combined / 60.0)))
        t = _instants(grid)
        peer = sender.member.user_id
        jitter = 0.8 + 0.4 * self.noise.unit(f"{metric}|{peer}", t)
        heavy = np.minimum(2000.0, (combined - 5.0) * (40.0 if audio else 60.0) * jitter)
        rare = np.where(self.noise.unit(f"rare{metric}|{peer}", t) > 0.99, 60.0 * jitter, 0.0)
        block = np.where(combined >= 5.0, heavy, rare)
        sent = sender.up("aBit" if audio else "bigvBit", grid)
        return np.where(sent == 0.0, 0.0, block)


def _samples(members: Sequence[Member], start: int, end: int, now: int) -> range:
    """2-s grid of the first member, inside every member's stay and the window."""
    anchor = members[0]
    first = max(start, *(m.join_ts for m in members))
    last = min(end, now, *((m.leave_ts or now) - 1 if m.left(now) else now for m in members))
    offset = (first - anchor.join_ts) % SAMPLE_S
    if offset:
        first += SAMPLE_S - offset
    return range(first, last + 1, SAMPLE_S)


def quality_series(
    call: Call,
    users: Sequence[Member],
    metrics: Sequence[str],
    start: int,
    end: int,
    *,
    now: int,
    seed: int,
) -> list[Series]:
    """The series for ``users`` × ``metrics``: upstream first, then each peer."""
    streams: dict[str, _Stream] = {}

    def stream(member: Member) -> _Stream:
        if member.user_id not in streams:
            streams[member.user_id] = _Stream(call, member, seed)
        return streams[member.user_id]

    def overlapping(m: Member) -> bool:
        return m.join_ts <= min(end, now) and m.stay_end(now) >= start

    senders = sorted(
        (m for m in call.members.values() if m.publishes and overlapping(m)),
        key=lambda m: (m.join_ts, m.user_id),
    )
    out: list[Series] = []
    for user in users:
        me = stream(user)
        peers = [s for s in senders if s.user_id != user.user_id][:MAX_PEERS]
        own = _samples([user], start, end, now)
        for metric in metrics:
            if metric in UPSTREAM and (user.publishes or metric in DEVICE_METRICS) and own:
                values = _round2(me.up(metric, own))
                out.append(Series(user.user_id, "", metric, own, values))
            if metric not in DOWNSTREAM:
                continue
            for peer in peers:
                grid = _samples([user, peer], start, end, now)
                if grid:
                    values = _round2(me.down(metric, stream(peer), grid))
                    out.append(Series(user.user_id, peer.user_id, metric, grid, values))
    return out


def quality_data(
    call: Call,
    users: Sequence[Member],
    metrics: Sequence[str],
    start: int,
    end: int,
    *,
    now: int,
    seed: int,
) -> list[dict[str, Any]]:
    """QualityData items for ``users`` × ``metrics``, as they go on the wire."""
    found = quality_series(call, users, metrics, start, end, now=now, seed=seed)
    return [series.item() for series in found]


# -- the wire text, written by numpy ---------------------------------------------------


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
            grid = grids[series.times] = _digits(_instants(series.times), t_width)
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
