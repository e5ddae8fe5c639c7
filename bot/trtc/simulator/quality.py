"""Per-second call-quality series (DescribeCallDetailInfo ``Data``), computed on demand.

Nothing is stored: a sample is a pure function of (seed, CommId, user, peer,
metric, t) and the call's facts (network at t, scripted degradations, blocks
set through SetUserBlocked), so a 1,000-user room costs only what is asked for.
Samples are every 2 s (the spacing of the doc example) on the receiving user's
join-time grid, from join to leave (or now), clipped to the query window.

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
from collections.abc import Sequence
from typing import Any, Literal

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

_BASE_LOSS = {"wired": 0.05, "wifi": 0.3, "4g": 0.8, "3g": 2.0, "2g": 5.0}
_BASE_RTT = {"wired": 25.0, "wifi": 45.0, "4g": 80.0, "3g": 150.0, "2g": 400.0}
_BASE_CPU = {"ios": 14.0, "android": 22.0, "windows": 12.0, "mac": 10.0, "web": 25.0}
_LADDER = [(1280, 720), (960, 540), (640, 360), (480, 270)]
_BITRATE = {720: 1_200_000.0, 540: 900_000.0, 360: 550_000.0, 270: 350_000.0}
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x: int) -> int:
    """splitmix64's finaliser: a cheap, well-spread hash of one 64-bit integer."""
    x = (x + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class _Noise:
    """Deterministic noise per (seed, CommId, user) and a name; random access by t."""

    def __init__(self, seed: int, comm_id: str, user_id: str) -> None:
        self._prefix = f"{seed}|{comm_id}|{user_id}|"
        self._keys: dict[str, int] = {}
        self._knots: dict[tuple[str, int], float] = {}

    def _key(self, name: str) -> int:
        key = self._keys.get(name)
        if key is None:
            digest = hashlib.blake2b((self._prefix + name).encode(), digest_size=8).digest()
            key = self._keys[name] = int.from_bytes(digest, "big")
        return key

    def unit(self, name: str, n: int) -> float:
        return _mix(self._key(name) ^ ((n * _GOLDEN) & _MASK)) / 2.0**64

    def smooth(self, name: str, t: int, period: int = 20) -> float:
        """Value noise in [0, 1): linear between knots every ``period`` seconds."""
        knot, rest = divmod(t, period)
        a = self._knot(name, knot)
        return a + (self._knot(name, knot + 1) - a) * rest / period

    def _knot(self, name: str, knot: int) -> float:
        # Consecutive samples share knots: cache them for the life of one request.
        value = self._knots.get((name, knot))
        if value is None:
            value = self._knots[name, knot] = self.unit(name, knot)
        return value


class _Stream:
    """One member as a sender (upstream) and as a receiver (downstream)."""

    def __init__(self, call: Call, member: Member, seed: int) -> None:
        self.member = member
        self.noise = _Noise(seed, call.comm_id, member.user_id)
        self._degradations = [d for d in call.degradations if d.user_id == member.user_id]
        # Values are reused across metrics and receivers; a stream lives for one request.
        self._loss: dict[tuple[str, bool, int], float] = {}
        self._up: dict[tuple[str, int], float | None] = {}

    def _extra(
        self, kind: DegradationKind, t: int, media: Literal["audio", "video"] | None, up: bool
    ) -> float:
        direction = "up" if up else "down"
        return sum(
            d.amount
            for d in self._degradations
            if d.kind == kind
            and d.active(t)
            and (media is None or (d.affects(media) and d.direction == direction))
        )

    def loss(self, media: Literal["audio", "video"], up: bool, t: int) -> float:
        key = (media, up, t)
        value = self._loss.get(key)
        if value is None:
            value = self._loss[key] = self._compute_loss(media, up, t)
        return value

    def _compute_loss(self, media: Literal["audio", "video"], up: bool, t: int) -> float:
        tag = f"{media}{'up' if up else 'down'}"
        n = self.noise
        value = _BASE_LOSS[self.member.network_at(t)] * (0.3 + 1.4 * n.smooth("loss" + tag, t))
        if n.unit("spike" + tag, t) > 0.985:
            value += 1.0 + 2.0 * n.unit("spikesize" + tag, t)
        extra = self._extra("loss", t, media, up)
        if extra:
            value += extra * (0.9 + 0.2 * n.unit("deg" + tag, t))
        return min(100.0, value)

    def _cpu(self, t: int) -> float:
        base = _BASE_CPU.get(self.member.device_type, 12.0)
        value = base * (0.8 + 0.4 * self.noise.smooth("cpu", t)) + self._extra("cpu", t, None, True)
        return min(100.0, value)

    def _size(self, t: int) -> tuple[int, int]:
        size = (self.member.width, self.member.height)
        if size not in _LADDER:
            return size
        lost = self.loss("video", True, t)
        step = 2 if lost >= 20 else 1 if lost >= 8 else 0  # QoS lowers resolution under loss
        return _LADDER[min(len(_LADDER) - 1, _LADDER.index(size) + step)]

    def up(self, metric: str, t: int) -> float | None:
        """Upstream value; None when this user sends no such media at all."""
        key = (metric, t)
        if key not in self._up:
            self._up[key] = self._compute_up(metric, t)
        return self._up[key]

    def _compute_up(self, metric: str, t: int) -> float | None:
        m, n = self.member, self.noise
        if metric == "appCpu":
            return self._cpu(t)
        if metric == "sysCpu":
            return min(100.0, self._cpu(t) + 15.0 + 20.0 * n.smooth("sys", t, 30))
        if metric == "rtt":
            base = _BASE_RTT[m.network_at(t)] * (0.8 + 0.4 * n.smooth("rtt", t))
            return (
                base + self._extra("rtt", t, None, True) + 2.0 * self._extra("loss", t, None, True)
            )
        if not m.publishes:
            return None
        mute = m.mute_at(t)
        if metric in ("aLoss", "bigvLoss"):
            return self.loss("audio" if metric == "aLoss" else "video", True, t)
        if metric == "aBit":
            return 0.0 if mute in AUDIO_OFF else 40_000.0 * (0.9 + 0.2 * n.unit("abit", t))
        if metric == "aCapEnergy":
            if mute in AUDIO_OFF:
                return 0.0
            talking = n.smooth("talk", t, 8) > 0.5
            return (35.0 + 45.0 * n.unit("energy", t)) if talking else 1.0 + 4.0 * n.unit("hum", t)
        if mute in VIDEO_OFF:
            return 0.0
        width, height = self._size(t)
        if metric == "bigvWidth":
            return float(width)
        if metric == "bigvHeight":
            return float(height)
        if metric == "bigvBit":
            lost = min(0.5, self.loss("video", True, t) / 100.0)
            return _BITRATE.get(height, 900_000.0) * (0.85 + 0.2 * n.unit("vbit", t)) * (1 - lost)
        capture = float(m.fps - (1 if n.unit("capfps", t) > 0.8 else 0))
        if metric == "bigvCapFps":
            return capture
        dropped = 1.0 if n.unit("enc", t) > 0.7 else 0.0
        encode = max(0.0, capture * (0.6 if self._cpu(t) > 85 else 1.0) - dropped)
        if metric == "bigvEncFps":
            return encode
        if metric == "bigvRecFps":
            return encode * (1.0 - self.loss("video", True, t) / 100.0)
        raise KeyError(metric)

    def down(self, metric: str, sender: _Stream, t: int) -> float:
        """What this user receives from ``sender`` at ``t`` (the sender publishes)."""
        peer = sender.member.user_id
        if metric in ("aLoss", "bigvLoss"):
            return self.loss("audio" if metric == "aLoss" else "video", False, t)
        if metric in ("bigvWidth", "bigvHeight"):
            return sender.up(metric, t) or 0.0
        if metric == "aPlayEnergy":
            return 0.9 * (sender.up("aCapEnergy", t) or 0.0)
        if metric in ("aBit", "bigvBit"):
            media: Literal["audio", "video"] = "audio" if metric == "aBit" else "video"
            return (sender.up(metric, t) or 0.0) * (1.0 - self.loss(media, False, t) / 100.0)
        audio = metric == "aBlock"
        media = "audio" if audio else "video"
        sent = sender.up("aBit" if audio else "bigvBit", t) or 0.0
        combined = sender.loss(media, True, t) + self.loss(media, False, t)
        if metric == "bigvDecFps":
            encoded = sender.up("bigvEncFps", t) or 0.0
            return max(0.0, encoded * (1.0 - min(0.9, combined / 60.0)))
        if sent == 0.0:
            return 0.0
        jitter = 0.8 + 0.4 * self.noise.unit(f"{metric}|{peer}", t)
        if combined >= 5.0:
            return min(2000.0, (combined - 5.0) * (40.0 if audio else 60.0) * jitter)
        return 60.0 * jitter if self.noise.unit(f"rare{metric}|{peer}", t) > 0.99 else 0.0


def _samples(members: Sequence[Member], start: int, end: int, now: int) -> range:
    """2-s grid of the first member, inside every member's stay and the window."""
    anchor = members[0]
    first = max(start, *(m.join_ts for m in members))
    last = min(end, now, *((m.leave_ts or now) - 1 if m.left(now) else now for m in members))
    offset = (first - anchor.join_ts) % SAMPLE_S
    if offset:
        first += SAMPLE_S - offset
    return range(first, last + 1, SAMPLE_S)


def _series(user: str, peer: str, metric: str, points: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Content": points, "UserId": user, "PeerId": peer, "DataType": metric}


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
    """QualityData items for ``users`` × ``metrics``: upstream first, then each peer."""
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
    out: list[dict[str, Any]] = []
    for user in users:
        me = stream(user)
        peers = [s for s in senders if s.user_id != user.user_id][:MAX_PEERS]
        for metric in metrics:
            if metric in UPSTREAM and (user.publishes or metric in DEVICE_METRICS):
                points = []
                for t in _samples([user], start, end, now):
                    value = me.up(metric, t)
                    points.append({"Time": t, "Value": round(value or 0.0, 2)})
                if points:
                    out.append(_series(user.user_id, "", metric, points))
            if metric not in DOWNSTREAM:
                continue
            for peer in peers:
                sender = stream(peer)
                points = [
                    {"Time": t, "Value": round(me.down(metric, sender, t), 2)}
                    for t in _samples([user, peer], start, end, now)
                ]
                if points:
                    out.append(_series(user.user_id, peer.user_id, metric, points))
    return out
