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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.trtc.simulator.call import Call, Member
from bot.trtc.simulator.noise import FloatArray, round2
from bot.trtc.simulator.stream import Stream

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
    streams: dict[str, Stream] = {}

    def stream(member: Member) -> Stream:
        if member.user_id not in streams:
            streams[member.user_id] = Stream(call, member, seed)
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
                values = round2(me.up(metric, own))
                out.append(Series(user.user_id, "", metric, own, values))
            if metric not in DOWNSTREAM:
                continue
            for peer in peers:
                grid = _samples([user, peer], start, end, now)
                if grid:
                    values = round2(me.down(metric, stream(peer), grid))
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
