"""A user's events in one call (DescribeUserEvent ``Data``), per the event-id table (§10).

Native SDK users get the SDK events: entering (5001, 5002, 1003 network type, 6001 QoS
mode, 5003 success, 7000 entered), publishing (3001 mic started, 5009 first audio frame,
4001 camera, 4003 resolution, 5004 video sent), 5006/5007 for each other publisher they
overlapped (grouped under that sender's PeerId), 1003 on every network switch (preceded
by 1003 ParamOne 0, disconnected), and on leaving 5008 + 7001 ParamOne 0 (normal), 5005
+ 7001 ParamOne 1 (timeout: an abnormal exit) or 7001 ParamOne 2 (kicked by
RemoveUser/DismissRoom). Web users get the WebRTC ids (32788 entered, 32791/32793
channels up, 32769/32768 audio/video on, 32792 on a network switch, 32789 left, 36864 on
a timeout) plus the 7000/7001 pair, which the backend reports for everyone. Millisecond
offsets are seeded per (seed, CommId, user), so the same call always tells the same
story.
"""

from __future__ import annotations

import random
from typing import Any

from bot.trtc.simulator.call import NETWORK_PARAM, Call, LeaveReason, Member

_VIDEO_EVENTS = frozenset({4001, 4003, 5004, 5006, 5007, 32768})


def _event(time_ms: int, event_id: int, one: int = -1, two: int = -1) -> dict[str, Any]:
    kind = 2 if event_id in _VIDEO_EVENTS else 0  # 2: big video stream, 0: not video
    return {"Type": kind, "Time": time_ms, "EventId": event_id, "ParamOne": one, "ParamTwo": two}


Event = dict[str, Any]


def _received(
    rng: random.Random, call: Call, m: Member, join: int, now: int
) -> dict[str, list[Event]]:
    """First video packet and frame (5006, 5007) from each publisher ``m`` overlapped,
    grouped under that publisher's id: DescribeUserEvent groups by the sender (PeerId)."""
    peers: dict[str, list[Event]] = {}
    for other in sorted(call.members.values(), key=lambda o: o.user_id):
        if other is m or not other.publishes:
            continue
        if other.join_ts > m.stay_end(now) or other.stay_end(now) < m.join_ts:
            continue
        first = max(join, other.join_ts * 1000) + rng.randrange(900, 1600)
        peers[other.user_id] = [_event(first, 5006), _event(first + rng.randrange(40, 120), 5007)]
    return peers


def _native(
    rng: random.Random, call: Call, m: Member, now: int
) -> tuple[list[Event], dict[str, list[Event]]]:
    # Entering starts at JoinTs, so a query from the room's CreateTime sees all of it.
    start = m.join_ts * 1000
    join = start + rng.randrange(600, 1500)  # 5003: entered
    events = [
        _event(start, 5001),
        _event(start + rng.randrange(80, 300), 5002, 1),
        _event(start + 40, 1003, NETWORK_PARAM[m.network]),
        _event(join - 20, 6001, rng.choice([1, 101]), 0),
        _event(join, 5003, 1),
        _event(join + 10, 7000, 0),
    ]
    if m.publishes:
        events += [
            _event(join + rng.randrange(100, 300), 3001, 0),
            _event(join + rng.randrange(300, 500), 5009),
            _event(join + rng.randrange(200, 400), 4001, 0),
            _event(join + rng.randrange(500, 700), 4003, m.width, m.height),
            _event(join + rng.randrange(700, 900), 5004),
        ]
    peers = _received(rng, call, m, join, now)
    for ts, network in m.network_changes:
        switch = ts * 1000
        events += [_event(switch - rng.randrange(800, 2500), 1003, 0)]
        events += [_event(switch, 1003, NETWORK_PARAM[network])]
    if m.left(now) and m.leave_ts is not None:
        leave = m.leave_ts * 1000
        if m.leave_reason is LeaveReason.NORMAL:
            events.append(_event(leave - rng.randrange(20, 80), 5008, 1))
        elif m.leave_reason is LeaveReason.TIMEOUT:
            events.append(_event(leave - rng.randrange(5000, 15000), 5005))
        events.append(_event(leave, 7001, int(m.leave_reason)))
    return events, peers


def _web(rng: random.Random, m: Member, now: int) -> list[dict[str, Any]]:
    start = m.join_ts * 1000
    join = start + rng.randrange(300, 900)
    events = [
        _event(start, 32791),
        _event(join, 32788),
        _event(join + 10, 7000, 0),
        _event(join + rng.randrange(100, 400), 32793),
    ]
    if m.publishes:
        events += [_event(join + rng.randrange(400, 700), 32769)]
        events += [_event(join + rng.randrange(500, 900), 32768)]
    for ts, _network in m.network_changes:
        events += [_event(ts * 1000 - rng.randrange(500, 2000), 32792)]
        events += [_event(ts * 1000 + rng.randrange(300, 1500), 32793)]
    if m.left(now) and m.leave_ts is not None:
        leave = m.leave_ts * 1000
        if m.leave_reason is LeaveReason.TIMEOUT:
            events.append(_event(leave - rng.randrange(1000, 5000), 36864))
        else:
            events.append(_event(leave - rng.randrange(20, 80), 32789))
        events.append(_event(leave, 7001, int(m.leave_reason)))
    return events


def user_events(
    call: Call, member: Member, *, start: int, end: int, now: int, seed: int
) -> list[dict[str, Any]]:
    """EventList items for one user, grouped by sender (``PeerId``) as the documented
    example is: the user's own events under their id, what they received from each
    publisher under that publisher's id; times in ms."""
    rng = random.Random(f"{seed}|{call.comm_id}|{member.user_id}|events")
    peers: dict[str, list[Event]] = {}
    if member.device_type == "web":
        own = _web(rng, member, now)
    else:
        own, peers = _native(rng, call, member, now)
    finished = call.end_ts(now)
    stop = min(end, now if finished is None else finished)  # past the room's end: its end
    low, high = start * 1000, stop * 1000 + 999
    groups = []
    for peer, events in [(member.user_id, own), *peers.items()]:
        content = sorted((e for e in events if low <= e["Time"] <= high), key=lambda e: e["Time"])
        if content:
            groups.append({"Content": content, "PeerId": peer})
    return groups
