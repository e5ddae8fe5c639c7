"""Who is in the simulated world: the named default rooms, seeded filler, scenario rooms.

Everything is drawn from ``random.Random`` instances seeded from the world seed
(plus a label), so the same seed and the same "now" give the same world.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bot.trtc.simulator.call import Call, Degradation, DeviceType, LeaveReason, Member, Network
from bot.trtc.simulator.scenario import ExitStep, LossStep, NetworkStep, RoomSpec, Scenario

APP = 1400000001
SECOND_APP = 1400000002
FOREIGN_APP = 1400000099  # exists, but belongs to another account

# device → (OS, SdkVersion) used when a scenario leaves them out
DEVICE_DEFAULTS: dict[str, tuple[str, str]] = {
    "ios": ("iOS 17.5", "11.8.0.14"),
    "android": ("Android 14", "11.8.0.14"),
    "windows": ("Windows 11", "11.7.0.11"),
    "mac": ("macOS 14.5", "11.7.0.11"),
    "web": ("Chrome 125", "5.6.1"),
    "linux": ("Ubuntu 22.04", "11.7.0.11"),
}
_PROFILES: list[tuple[DeviceType, str, str]] = [
    ("ios", "iOS 17.5", "11.8.0.14"),
    ("ios", "iOS 16.7", "11.4.0.13"),
    ("android", "Android 14", "11.8.0.14"),
    ("android", "Android 12", "11.2.0.11"),
    ("windows", "Windows 11", "11.7.0.11"),
    ("mac", "macOS 14.5", "11.7.0.11"),
    ("web", "Chrome 125", "5.6.1"),
    ("web", "Safari 17.4", "5.6.1"),
]
VIDEO: dict[str, tuple[int, int]] = {"360p": (640, 360), "540p": (960, 540), "720p": (1280, 720)}
_NAMES = [
    "liam", "olivia", "noah", "emma", "ava", "mia", "lucas", "amir",
    "yuki", "wei", "mei", "ravi", "sofia", "mateo", "lena", "omar",
]  # fmt: skip
_WORDS = [
    "support", "classroom", "design-review", "interview", "sales-demo", "tutoring", "karaoke",
    "gaming",
]  # fmt: skip

DEFAULT_SCENARIO = Scenario.model_validate(
    {
        "rooms": [
            {
                "room": 1234,
                "started_minutes_ago": 25,
                "users": [
                    {"id": "alice", "device": "ios", "network": "wifi", "video": "720p"},
                    {"id": "bob", "device": "android", "network": "4g", "join_minute": 1},
                    {"id": "carol", "device": "windows", "network": "wifi", "join_minute": 2},
                    {"id": "dave", "device": "android", "network": "wifi", "join_minute": 2},
                    {"id": "erin", "device": "web", "network": "wifi", "join_minute": 4},
                    {"id": "frank", "device": "mac", "network": "wired", "join_minute": 6},
                ],
                "script": [
                    {"kind": "network", "user": "dave", "at_minute": 3, "to": "4g"},
                    {"kind": "loss", "user": "carol", "media": "audio", "percent": 15,
                     "from_minute": 5, "to_minute": 9},
                    {"kind": "exit", "user": "erin", "at_minute": 12, "reason": "timeout"},
                    {"kind": "rtt", "user": "bob", "ms": 250, "from_minute": 14,
                     "to_minute": 18},
                ],
            },
            {
                "room": "standup",
                "started_minutes_ago": 12,
                "users": [
                    {"id": "grace", "device": "mac", "network": "wifi"},
                    {"id": "heidi", "device": "windows", "network": "wired"},
                    {"id": "ivan", "device": "android", "network": "4g", "join_minute": 1},
                    {"id": "judy", "device": "web", "network": "wifi", "join_minute": 2},
                ],
                "script": [
                    {"kind": "loss", "user": "judy", "media": "video", "percent": 10,
                     "from_minute": 4, "to_minute": 7},
                ],
            },
            {"sdkappid": SECOND_APP, "room": 1234, "started_minutes_ago": 18,
             "users": ["zoe", "yan", "xena"]},
            {"sdkappid": SECOND_APP, "room": "lobby", "started_minutes_ago": 50,
             "users": ["wanda", "victor"]},
        ]
    }
)  # fmt: skip


def _ip(rng: random.Random) -> str:
    return f"{rng.choice(['203.0.113', '198.51.100', '192.0.2'])}.{rng.randrange(2, 254)}"


_MOBILE: list[Network] = ["wifi", "4g", "3g"]
_DESK: list[Network] = ["wifi", "wired"]


def _network(rng: random.Random, device: str) -> Network:
    if device in ("ios", "android"):
        return rng.choices(_MOBILE, weights=[60, 35, 5])[0]
    return rng.choice(_DESK)


def scenario_calls(scenario: Scenario, *, now: int, seed: int) -> list[Call]:
    return [_room_call(room, now=now, seed=seed) for room in scenario.rooms]


def _room_call(spec: RoomSpec, *, now: int, seed: int) -> Call:
    create = now - round(spec.started_minutes_ago * 60)
    destroy = None if spec.ended_minutes_ago is None else now - round(spec.ended_minutes_ago * 60)

    def at(minute: float) -> int:
        return create + round(minute * 60)

    call = Call(
        sdkappid=spec.sdkappid,
        room_id=str(spec.room),
        numeric=spec.numeric,
        create_ts=create,
        creator=spec.creator or spec.users[0].id,
        destroy_ts=destroy,
    )
    for user in spec.users:
        rng = random.Random(f"{seed}|{spec.sdkappid}|{spec.room}|{user.id}")
        os_name, sdk = DEVICE_DEFAULTS[user.device]
        width, height = VIDEO[user.video]
        call.members[user.id] = Member(
            user_id=user.id,
            join_ts=at(user.join_minute),
            device_type=user.device,
            os=user.os or os_name,
            sdk_version=user.sdk or sdk,
            client_ip=user.ip or _ip(rng),
            network=user.network,
            publishes=user.publishes,
            width=width,
            height=height,
            fps=user.fps,
            leave_ts=None if user.leave_minute is None else at(user.leave_minute),
        )
    for step in spec.script:
        member = call.members[step.user]
        if isinstance(step, ExitStep):
            member.leave_ts = at(step.at_minute)
            reason = LeaveReason.TIMEOUT if step.reason == "timeout" else LeaveReason.NORMAL
            member.leave_reason = reason
        elif isinstance(step, NetworkStep):
            member.network_changes.append((at(step.at_minute), step.to))
        else:
            amount = step.ms if step.kind == "rtt" else step.percent
            media = step.media if isinstance(step, LossStep) else "both"
            direction = step.direction if isinstance(step, LossStep) else "up"
            call.degradations.append(
                Degradation(
                    user_id=step.user,
                    kind=step.kind,
                    amount=amount,
                    start_ts=at(step.from_minute),
                    end_ts=at(step.to_minute),
                    media=media,
                    direction=direction,
                )
            )
    if destroy is not None:
        for member in call.members.values():
            if member.leave_ts is None or member.leave_ts > destroy:
                member.leave_ts = destroy
    for member in call.members.values():
        member.network_changes.sort()
    return call


# -- seeded filler ---------------------------------------------------------------


def _member(rng: random.Random, user_id: str, join_ts: int, *, publishes: bool = True) -> Member:
    device, os_name, sdk = rng.choice(_PROFILES)
    width, height = rng.choice(list(VIDEO.values()))
    return Member(
        user_id=user_id,
        join_ts=join_ts,
        device_type=device,
        os=os_name,
        sdk_version=sdk,
        client_ip=_ip(rng),
        network=_network(rng, device),
        publishes=publishes,
        width=width,
        height=height,
        fps=rng.choice([15, 15, 24, 30]),
    )


def _filler_call(
    rng: random.Random, app: int, room: int | str, create: int, end: int | None
) -> Call:
    """A room with 2-8 users; ``end`` None keeps it live (its first user stays)."""
    names = rng.sample(_NAMES, rng.randint(2, 8))
    users = [f"{name}_{rng.randrange(100, 1000)}" for name in names]
    call = Call(app, str(room), isinstance(room, int), create, users[0], destroy_ts=end)
    span = (end if end is not None else create + 3600) - create
    for index, user in enumerate(users):
        join = create + (rng.randrange(0, max(1, span // 3)) if index else 0)
        member = _member(rng, user, join)
        if end is not None:
            member.leave_ts = rng.randrange(join + 30, end + 1) if index else end
            member.leave_reason = rng.choices(list(LeaveReason), weights=[90, 8, 2])[0]
        elif index and rng.random() < 0.3:
            member.leave_ts = join + rng.randrange(60, max(61, span // 2))
        call.members[user] = member
    if rng.random() < 0.3:
        victim = rng.choice(list(call.members.values()))
        start = victim.join_ts + rng.randrange(30, 300)
        call.degradations.append(
            Degradation(victim.user_id, "loss", rng.choice([5, 8, 12, 25]), start, start + 180)
        )
    return call


def filler_calls(seed: int, now: int) -> list[Call]:
    """~20 extra live rooms and ~50 finished calls for the default app, a few for the second."""
    rng = random.Random(f"{seed}|filler")
    taken: set[str] = {"1234", "standup", "8888", "lobby"}

    def fresh(make: Callable[[], int | str]) -> int | str:
        while str(room := make()) in taken:
            pass
        taken.add(str(room))
        return room

    def numeric() -> int:
        return rng.randrange(1000, 99999)

    def named() -> str:
        return f"{rng.choice(_WORDS)}-{rng.randrange(10, 99)}"

    calls = [_big_room(rng, now)]
    for index in range(20):
        room = fresh(numeric if index % 3 else named)
        calls.append(_filler_call(rng, APP, room, now - rng.randrange(3, 180) * 60, None))
    for day in (1, 2, 3):  # yesterday's stand-ups and earlier sessions of room 1234
        start = now - day * 86400 - 12 * 60
        calls.append(_filler_call(rng, APP, "standup", start, start + 15 * 60))
    for hours in (5, 30):
        calls.append(_filler_call(rng, APP, 1234, now - hours * 3600, now - hours * 3600 + 2700))
    for app, count in ((APP, 45), (SECOND_APP, 10)):
        for index in range(count):
            room = fresh(numeric if index % 2 else named)
            duration = rng.randrange(5, 90) * 60
            start = now - rng.randrange(duration + 600, 72 * 3600)
            calls.append(_filler_call(rng, app, room, start, start + duration))
    return calls


def _big_room(rng: random.Random, now: int) -> Call:
    """Numeric room 8888: a 1,000-user webinar, 3 hosts publishing, 997 listening."""
    create = now - 40 * 60
    call = Call(APP, "8888", True, create, "host_1")
    for index in range(1000):
        host = index < 3
        user = f"host_{index + 1}" if host else f"viewer_{index - 2:04d}"
        member = _member(rng, user, create + (index if host else rng.randrange(0, 600)))
        member.publishes = host
        if not host and rng.random() < 0.05:
            member.leave_ts = member.join_ts + rng.randrange(60, 1800)
        call.members[user] = member
    return call
