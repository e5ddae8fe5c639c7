"""One call (a room's lifetime, one ``CommId``) and the members in it.

Presence is a function of time: a member joins at ``join_ts`` and leaves at
``leave_ts`` (which may lie in the future when a scenario schedules it), so a
simulator running on the wall clock evolves by itself. A room ends when it is
dismissed or when its last member has left, as TRTC rooms do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import Literal

Network = Literal["wifi", "4g", "3g", "2g", "wired"]
DeviceType = Literal["ios", "android", "windows", "mac", "web", "linux"]
Media = Literal["audio", "video", "both"]
Direction = Literal["up", "down"]
DegradationKind = Literal["loss", "rtt", "cpu"]

# EventId 1003's ParamOne (§10): 0 disconnected, 1 Wi-Fi, 2 4G, 3 3G, 4 2G, 5 wired.
NETWORK_PARAM: dict[str, int] = {"wifi": 1, "4g": 2, "3g": 3, "2g": 4, "wired": 5}

# SetUserBlocked IsMute values (newer intl docs): 0 all on, 1 audio+video off,
# 2 audio off, 3 video off.
AUDIO_OFF = frozenset({1, 2})
VIDEO_OFF = frozenset({1, 3})


class LeaveReason(IntEnum):
    """EventId 7001's ParamOne."""

    NORMAL = 0
    TIMEOUT = 1
    KICKED = 2


@dataclass
class Member:
    """A user's single stay in one call, with the device facts TRTC reports."""

    user_id: str
    join_ts: int
    device_type: DeviceType = "ios"
    os: str = "iOS 17.5"
    sdk_version: str = "11.8.0.14"
    client_ip: str = "203.0.113.10"
    network: Network = "wifi"
    publishes: bool = True
    width: int = 960
    height: int = 540
    fps: int = 15
    leave_ts: int | None = None
    leave_reason: LeaveReason = LeaveReason.NORMAL
    network_changes: list[tuple[int, Network]] = field(default_factory=list)
    mute_changes: list[tuple[int, int]] = field(default_factory=list)

    def present(self, now: int) -> bool:
        return self.join_ts <= now and (self.leave_ts is None or now < self.leave_ts)

    def left(self, now: int) -> bool:
        return self.leave_ts is not None and self.leave_ts <= now

    def stay_end(self, now: int) -> int:
        """When the stay ends as seen at ``now``: the leave time, or now while present."""
        return self.leave_ts if self.left(now) and self.leave_ts is not None else now

    def network_at(self, t: int) -> Network:
        current = self.network
        for ts, net in self.network_changes:
            if ts <= t:
                current = net
        return current

    def mute_at(self, t: int) -> int:
        current = 0
        for ts, value in self.mute_changes:
            if ts <= t:
                current = value
        return current

    @property
    def is_mute(self) -> int:
        """The latest IsMute set through SetUserBlocked (0 when never blocked)."""
        return self.mute_changes[-1][1] if self.mute_changes else 0


@dataclass(frozen=True)
class Degradation:
    """A scripted impairment of one user between two instants (seconds)."""

    user_id: str
    kind: DegradationKind
    amount: float
    start_ts: int
    end_ts: int
    media: Media = "both"
    direction: Direction = "up"

    def active(self, t: int) -> bool:
        return self.start_ts <= t < self.end_ts

    def affects(self, media: Literal["audio", "video"]) -> bool:
        return self.media in (media, "both")


@dataclass
class Call:
    """A room from creation to destruction; ``room_id`` is the string form."""

    sdkappid: int
    room_id: str
    numeric: bool
    create_ts: int
    creator: str
    members: dict[str, Member] = field(default_factory=dict)
    destroy_ts: int | None = None
    degradations: list[Degradation] = field(default_factory=list)
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    # (checked at, end) once every member had left: history scans stop re-checking.
    _ended: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)

    @cached_property
    def comm_id(self) -> str:
        # Built from fields that never change: computed once, read on every query.
        return f"{self.sdkappid}_{self.room_id}_{self.create_ts}"

    @property
    def key(self) -> tuple[int, bool, str]:
        """Numeric and string rooms are separate namespaces in TRTC."""
        return (self.sdkappid, self.numeric, self.room_id)

    def now(self) -> int:
        return int(self.clock())

    def end_ts(self, now: int | None = None) -> int | None:
        """When the room ended as seen at ``now``; None while it is live."""
        at = self.now() if now is None else now
        if self.destroy_ts is not None and self.destroy_ts <= at:
            return self.destroy_ts
        known = self._ended
        if known is not None and at >= known[0]:
            return known[1]  # once everyone has left, nobody returns to this call
        if self.members and all(m.left(at) for m in self.members.values()):
            end = max(m.leave_ts or 0 for m in self.members.values())
            self._ended = (at, end)
            return end
        return None

    def is_live(self, now: int | None = None) -> bool:
        at = self.now() if now is None else now
        return self.create_ts <= at and self.end_ts(at) is None

    def member(self, user_id: str) -> Member | None:
        return self.members.get(user_id)

    def present_members(self, now: int | None = None) -> list[Member]:
        at = self.now() if now is None else now
        return [m for m in self.members.values() if m.present(at)]

    def present_user_ids(self, now: int | None = None) -> list[str]:
        return [m.user_id for m in self.present_members(now)]

    def overlaps(self, start: int, end: int, now: int) -> bool:
        if self.create_ts > end:
            return False  # cheap rejections first: this runs for every call per query
        if self.destroy_ts is not None and self.destroy_ts <= now:
            return self.destroy_ts >= start
        finished = self.end_ts(now)
        return (now if finished is None else finished) >= start
