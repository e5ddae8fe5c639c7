"""Quality series: deterministic, lazily computed, in documented units and plausible ranges."""

from __future__ import annotations

import hashlib
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bot.trtc.simulator import Simulator
from bot.trtc.simulator.noise import Noise, round2
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


def test_big_room_answers_for_the_users_asked() -> None:
    """Six users of the 1,000-user room, all metrics for 10 minutes: data for exactly those
    six (how fast is bench/quality.py's business, not a test's)."""
    sim = Simulator(frozen_config())
    call = sim.world.room(APP, 8888)
    assert call is not None
    users = list(call.members.values())[:6]
    data = quality_data(call, users, list(METRICS), NOW - 600, NOW, now=NOW, seed=0)
    assert {d["UserId"] for d in data} == {u.user_id for u in users}
    viewer = [d for d in data if d["UserId"] == users[5].user_id]
    assert {d["DataType"] for d in viewer if d["PeerId"] == ""} == {"appCpu", "sysCpu", "rtt"}
    assert {d["PeerId"] for d in viewer if d["PeerId"]} == {"host_1", "host_2", "host_3"}


# sha256 (first 16 hex digits) of json.dumps(quality_data(...)), recorded from the
# implementation that computed one sample at a time with Python floats.
GOLDEN = {
    "room 1234, everyone, every metric, 25 min": "2b4cb66f720ab406",
    "room 8888, six users, every metric, 10 min": "f26011390c609a93",
}


def test_every_sample_is_unchanged() -> None:
    """Computing a series at once gives every sample bit for bit as before: scripted loss,
    RTT, a network switch, an exit and a block set mid-window included."""
    sim = Simulator(frozen_config(seed=0))
    room = sim.world.room(APP, 1234)
    big = sim.world.room(APP, 8888)
    assert room is not None and big is not None
    alice = room.member("alice")
    assert alice is not None
    alice.mute_changes = [(NOW - 400, 2), (NOW - 200, 1)]  # audio off, then audio and video
    everyone = list(room.members.values())
    found = {
        "room 1234, everyone, every metric, 25 min": quality_data(
            room, everyone, list(METRICS), NOW - 1500, NOW, now=NOW, seed=0
        ),
        "room 8888, six users, every metric, 10 min": quality_data(
            big, list(big.members.values())[:6], list(METRICS), NOW - 600, NOW, now=NOW, seed=0
        ),
    }
    digests = {k: hashlib.sha256(json.dumps(v).encode()).hexdigest()[:16] for k, v in found.items()}
    assert digests == GOLDEN


def _unit(key: int, n: int) -> float:
    """The noise as integers: splitmix64's finaliser of key ^ n·φ, scaled to [0, 1)."""
    mask, golden = (1 << 64) - 1, 0x9E3779B97F4A7C15
    x = ((key ^ ((n * golden) & mask)) + golden) & mask
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
    return (x ^ (x >> 31)) / 2.0**64


@given(st.lists(st.integers(0, 2**40), min_size=1, max_size=50), st.text(max_size=8))
def test_vectorised_noise_is_the_integer_formula(ns: list[int], name: str) -> None:
    """uint64 arrays wrap exactly as the masked integers did, and convert to the same floats."""
    noise = Noise(7, "1400000001_1234_1760000000", "alice")
    key = int(noise._key(name))
    got = noise.unit(name, np.array(ns, dtype=np.int64)).tolist()
    assert got == [_unit(key, n) for n in ns]


@given(
    st.lists(
        st.one_of(
            st.floats(-1e9, 1e9, allow_nan=False),
            st.integers(-(10**6), 10**6).map(lambda k: k / 200),  # halves of a hundredth
            st.integers(0, 10**8).map(lambda k: k / 1000),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_rounding_is_pythons(values: list[float]) -> None:
    """Array rounding to 0.01 is round(v or 0.0, 2), halves and negative zero included."""
    got = round2(np.array(values)).tolist()
    want = [round(v or 0.0, 2) for v in values]
    assert [repr(v) for v in got] == [repr(v) for v in want]
