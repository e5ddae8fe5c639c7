"""The mix: which flows the load generator plays, who starts each, and the rooms they need."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from bot.trtc.simulator import Scenario

ONCALL, LEAD, VIEWER = "U0ONCALL", "U0LEAD", "U0VIEWER"
CHANNELS = 200  # the bot posts at ~1/s per channel
USERS_PER_ROOM = 10
KICK_ROOM0, DISMISS_ROOM0 = 200_000, 300_000  # clear of the simulator's own rooms

# The mix, as shares of the Slack requests (a kick or mute is 2: command and
# Confirm; an approval 3: command and two Approve clicks). Callbacks are extra.
COST = {"read": 1, "mention": 1, "kick": 2, "mute": 2, "approval": 3}
SHARE = {"read": 36.0, "mention": 16.0, "kick": 22.0, "mute": 16.0, "approval": 10.0}
CALLBACKS_PER_FLOW = 0.1
READS = (  # (weight, who, text)
    (40, ONCALL, "users {room}"),
    (5, ONCALL, "rooms"),
    (14, ONCALL, "whoami"),
    (10, LEAD, "help"),
    (4, ONCALL, "kick"),  # malformed: no arguments
    (4, ONCALL, "mute {room}"),  # malformed: no user
    (4, ONCALL, "frobnicate {room}"),  # no such command
    (10, VIEWER, "kick {room} someone"),  # denied: read-only
    (4, VIEWER, "users {room}"),
    (5, ONCALL, "kick 8888 host_1"),  # denied: the policy never kicks in the webinar
)
MENTIONS = ("users {room}", "whoami", "help")
REDELIVERED = 0.3


def responders(count: int) -> list[str]:
    """The on-call people: ONCALL alone, or ONCALL and U0ONCALL02… (the bot runs at
    most two requests of one person at a time, so one person is a queue of their own)."""
    return [ONCALL, *(f"U0ONCALL{n:02d}" for n in range(2, count + 1))]


@dataclass(frozen=True)
class Flow:
    kind: str  # read | mention | kick | mute | approval | callback
    user: str
    text: str
    channel: str
    extra: bool = False  # mention: redelivered; callback: sent to both replicas


@dataclass(frozen=True)
class Plan:
    flows: list[Flow]
    kick_rooms: int
    dismiss_rooms: int

    def scenario(self) -> Scenario:
        users = [f"u{i:02d}" for i in range(USERS_PER_ROOM)]
        rooms = [{"room": KICK_ROOM0 + r, "users": users} for r in range(1, self.kick_rooms + 1)]
        rooms += [
            {"room": DISMISS_ROOM0 + r, "users": ["host", "guest"]}
            for r in range(1, self.dismiss_rooms + 1)
        ]
        return Scenario.model_validate({"include_defaults": True, "rooms": rooms})


def make_plan(requests: int, rng: random.Random, people: int = 1) -> Plan:
    """The flows; on-call flows go to ``people`` responders in turn."""
    oncall = responders(people)
    kinds = _kinds(requests, rng)
    kick_rooms = max(1, -(-sum(k in ("kick", "mute") for k in kinds) // USERS_PER_ROOM))
    pairs = (
        (KICK_ROOM0 + i // USERS_PER_ROOM + 1, f"u{i % USERS_PER_ROOM:02d}")
        for i in itertools.count()
    )
    dismissals = itertools.count(DISMISS_ROOM0 + 1)
    flows: list[Flow] = []
    for index, kind in enumerate(kinds):
        channel = f"C0SOAK{index % CHANNELS + 1:04d}"
        room = KICK_ROOM0 + rng.randint(1, kick_rooms)
        person = oncall[index % len(oncall)]
        if kind in ("kick", "mute"):
            target, user = next(pairs)
            text = f"kick {target} {user}" if kind == "kick" else f"mute {target} {user} --for 5m"
            flows.append(Flow(kind, person, text, channel))
        elif kind == "approval":
            flows.append(Flow(kind, person, f"dismiss {next(dismissals)} --reason soak", channel))
        elif kind == "mention":
            text = rng.choice(MENTIONS).format(room=room)
            flows.append(Flow(kind, person, text, channel, extra=rng.random() < REDELIVERED))
        else:
            [(_, who, text)] = rng.choices(READS, weights=[w for w, _, _ in READS])
            who = person if who == ONCALL else who
            flows.append(Flow(kind, who, text.format(room=room), channel))
        if rng.random() < CALLBACKS_PER_FLOW:
            flows.append(Flow("callback", f"cb{index}", str(room), "", extra=rng.random() < 0.3))
    return Plan(flows, kick_rooms, next(dismissals) - DISMISS_ROOM0 - 1)


def _kinds(requests: int, rng: random.Random) -> list[str]:
    names = list(SHARE)
    weights = [SHARE[k] / COST[k] for k in names]  # per flow
    kinds: list[str] = []
    left = requests
    while left > 0:
        kind = rng.choices(names, weights=weights)[0]
        kind = kind if COST[kind] <= left else "read"
        kinds.append(kind)
        left -= COST[kind]
    return kinds
