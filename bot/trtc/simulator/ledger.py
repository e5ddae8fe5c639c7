"""What the usage APIs count: every stay in a room, by the video tier it was billed at.

TRTC bills each participant per minute by the tier it receives (trtc-server-api-2.md
§8). Here a call's members are billed at the tier of the largest video published in
the call (SD up to 640×480, HD up to 1280×720, FullHD up to 1920×1080; the exact
thresholds are UNCONFIRMED), Audio when nobody publishes. Those stays are read from
the calls at query time, so a kick or a dismiss shows in the usage as in history.

The calls reach back three days; older usage is ``background``: seeded rooms each day
for 40 days, plus one ``spike`` day on which one room burns far more than usual (the
scenario's ``usage:``). Recording, mixing and relay are derived from the same stays
in fixed shares (a recorded tenth, a mixed twentieth), so all five APIs agree.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from bot.trtc.simulator.call import Call
from bot.trtc.simulator.scenario import UsageSpec

TIERS = ("Audio", "SD", "HD", "FullHD", "2K", "4K")
DAY_S = 86400
UTC8_S = 8 * 3600  # usage days are Beijing days (UNCONFIRMED, as the examples suggest)
BACKGROUND_DAYS = 40
_TIER_WEIGHTS = (30, 10, 45, 12, 2, 1)


@dataclass(frozen=True, slots=True)
class Stay:
    """``users`` people in ``room`` from ``start`` to ``end`` (Unix s), billed at ``tier``."""

    sdkappid: int
    room: str
    start: int
    end: int
    tier: str
    users: int = 1

    def seconds_in(self, start: int, end: int) -> int:
        """Person-seconds within [start, end)."""
        return max(0, min(self.end, end) - max(self.start, start)) * self.users


def day_start(ts: int) -> int:
    """The Beijing day (00:00 UTC+8) that ``ts`` falls in."""
    return ts - (ts + UTC8_S) % DAY_S


def tier_of(width: int, height: int) -> str:
    pixels = width * height
    for limit, tier in ((640 * 480, "SD"), (1280 * 720, "HD"), (1920 * 1080, "FullHD")):
        if pixels <= limit:
            return tier
    return "2K" if pixels <= 2560 * 1440 else "4K"


def call_tier(call: Call) -> str:
    publishers = [m for m in call.members.values() if m.publishes]
    if not publishers:
        return "Audio"
    biggest = max(publishers, key=lambda m: m.width * m.height)
    return tier_of(biggest.width, biggest.height)


def call_stays(call: Call, now: int) -> Iterator[Stay]:
    tier = call_tier(call)
    for m in call.members.values():
        if m.join_ts <= now:
            yield Stay(call.sdkappid, call.room_id, m.join_ts, m.stay_end(now), tier)


def background(spec: UsageSpec, app: int, *, now: int, seed: int) -> list[Stay]:
    """Seeded rooms on each of the last 40 days (today up to ``now``) and the spike."""
    rng = random.Random(f"{seed}|usage|{app}")
    today = day_start(now)
    stays: list[Stay] = []
    for back in range(BACKGROUND_DAYS, -1, -1):
        day = today - back * DAY_S
        for _ in range(spec.background_rooms):
            start = day + rng.randrange(0, DAY_S - 3600)
            end = min(start + rng.randrange(10, 90) * 60, now)
            tier = rng.choices(TIERS, weights=_TIER_WEIGHTS)[0]
            users = rng.randint(2, 8)
            if start < end:
                stays.append(Stay(app, f"room-{rng.randrange(100, 1000)}", start, end, tier, users))
    spike = spec.spike
    if spike is not None:
        start = today - spike.days_ago * DAY_S + 10 * 3600  # 10:00 Beijing time
        end = min(start + round(spike.hours * 3600), now)
        if start < end:
            stays.append(Stay(app, str(spike.room), start, end, spike.tier, spike.users))
    return stays
