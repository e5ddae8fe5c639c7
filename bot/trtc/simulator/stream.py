"""One call member's simulated series: as a sender (upstream) and as a receiver (downstream).

Values follow the member's network and device, its mutes, and the scenario's
scripted degradations; the units are those of ``bot.trtc.simulator.quality``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np

from bot.trtc.simulator.call import AUDIO_OFF, VIDEO_OFF, Call, DegradationKind, Member
from bot.trtc.simulator.noise import FloatArray, IntArray, Noise, instants

Media = Literal["audio", "video"]

_BASE_LOSS = {"wired": 0.05, "wifi": 0.3, "4g": 0.8, "3g": 2.0, "2g": 5.0}
_BASE_RTT = {"wired": 25.0, "wifi": 45.0, "4g": 80.0, "3g": 150.0, "2g": 400.0}
_BASE_CPU = {"ios": 14.0, "android": 22.0, "windows": 12.0, "mac": 10.0, "web": 25.0}
_LADDER = [(1280, 720), (960, 540), (640, 360), (480, 270)]
_BITRATE = {720: 1_200_000.0, 540: 900_000.0, 360: 550_000.0, 270: 350_000.0}


def _stepwise(t: IntArray, initial: float, changes: Sequence[tuple[int, float]]) -> FloatArray:
    """A value that changes at given instants; later entries win, as a loop over them would."""
    out = np.full(t.shape, initial, dtype=np.float64)
    for ts, value in changes:
        out = np.where(t >= ts, value, out)
    return out


class Stream:
    """One member as a sender (upstream) and as a receiver (downstream).

    Series are memoised per sample grid: the receiver's downlink loss is shared by
    every peer, a sender's upstream values by every receiver on the same grid.
    """

    def __init__(self, call: Call, member: Member, seed: int) -> None:
        self.member = member
        self.noise = Noise(seed, call.comm_id, member.user_id)
        self._degradations = [d for d in call.degradations if d.user_id == member.user_id]
        self._memo: dict[tuple[str, range], FloatArray] = {}

    def _cached(
        self, name: str, grid: range, compute: Callable[[IntArray], FloatArray]
    ) -> FloatArray:
        value = self._memo.get((name, grid))
        if value is None:
            value = self._memo[name, grid] = compute(instants(grid))
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

    def down(self, metric: str, sender: Stream, grid: range) -> FloatArray:
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
        t = instants(grid)
        peer = sender.member.user_id
        jitter = 0.8 + 0.4 * self.noise.unit(f"{metric}|{peer}", t)
        heavy = np.minimum(2000.0, (combined - 5.0) * (40.0 if audio else 60.0) * jitter)
        rare = np.where(self.noise.unit(f"rare{metric}|{peer}", t) > 0.99, 60.0 * jitter, 0.0)
        block = np.where(combined >= 5.0, heavy, rare)
        sent = sender.up("aBit" if audio else "bigvBit", grid)
        return np.where(sent == 0.0, 0.0, block)
