"""Quality series: deterministic, lazily computed, in documented units and plausible ranges."""

from __future__ import annotations

import time

from bot.trtc.simulator import Simulator
from bot.trtc.simulator.quality import METRICS, quality_data
from tests.trtc.simulator.conftest import APP, NOW, frozen_config

RANGES = {
    "aLoss": (0, 100), "bigvLoss": (0, 100), "rtt": (10, 2000), "appCpu": (0, 100),
    "sysCpu": (0, 100), "aBit": (0, 60_000), "bigvBit": (0, 1_500_000), "aBlock": (0, 2000),
    "bigvBlock": (0, 2000), "bigvWidth": (0, 1280), "bigvHeight": (0, 720),
    "bigvCapFps": (0, 30), "bigvEncFps": (0, 30), "bigvDecFps": (0, 30), "bigvRecFps": (0, 30),
    "aCapEnergy": (0, 100), "aPlayEnergy": (0, 100),
}  # fmt: skip


def _data(seed: int, users: list[str], metrics: list[str], start: int) -> list[dict[str, object]]:
    sim = Simulator(frozen_config(seed=seed))
    call = sim.world.room(APP, 1234)
    assert call is not None
    members = [m for u in users if (m := call.member(u)) is not None]
    return quality_data(call, members, metrics, start, NOW, now=NOW, seed=seed)


def test_same_seed_same_series_other_seed_other_series() -> None:
    """Series depend only on (seed, CommId, user, peer, metric, t) and the call's facts."""
    one = _data(3, ["alice", "bob"], ["rtt", "aBit"], NOW - 600)
    two = _data(3, ["alice", "bob"], ["rtt", "aBit"], NOW - 600)
    other = _data(4, ["alice", "bob"], ["rtt", "aBit"], NOW - 600)
    assert one == two
    assert one != other


def test_sub_windows_agree_with_the_whole() -> None:
    """A sample is the same whichever window asked for it (random access by time)."""
    whole = _data(0, ["carol"], ["aLoss"], NOW - 600)[0]["Content"]
    part = _data(0, ["carol"], ["aLoss"], NOW - 100)[0]["Content"]
    assert isinstance(whole, list)
    assert isinstance(part, list)
    assert whole[-len(part) :] == part


def test_every_metric_in_its_unit_range() -> None:
    """Loss is a percentage 0-100, bit rates in bit/s, sizes in px, frame rates in fps."""
    data = _data(0, ["alice", "bob", "carol", "dave", "frank"], list(METRICS), NOW - 900)
    seen = set()
    for series in data:
        kind = str(series["DataType"])
        low, high = RANGES[kind]
        values = [p["Value"] for p in series["Content"]]  # type: ignore[attr-defined]
        assert all(low <= v <= high for v in values), (kind, min(values), max(values))
        seen.add(kind)
    assert seen == set(METRICS)


def test_big_room_is_cheap() -> None:
    """Six users of the 1,000-user room, all metrics for 10 minutes, in well under a second."""
    sim = Simulator(frozen_config())
    call = sim.world.room(APP, 8888)
    assert call is not None
    users = list(call.members.values())[:6]
    started = time.perf_counter()
    data = quality_data(call, users, list(METRICS), NOW - 600, NOW, now=NOW, seed=0)
    assert time.perf_counter() - started < 1.5
    assert {d["UserId"] for d in data} == {u.user_id for u in users}
    viewer = [d for d in data if d["UserId"] == users[5].user_id]
    assert {d["DataType"] for d in viewer if d["PeerId"] == ""} == {"appCpu", "sysCpu", "rtt"}
    assert {d["PeerId"] for d in viewer if d["PeerId"]} == {"host_1", "host_2", "host_3"}
