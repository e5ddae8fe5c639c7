"""The simulated TRTC world: applications, rooms, calls and what happened in them.

Default world (seed 0 or any other; times are relative to the clock when the
simulator starts):

* SdkAppId **1400000001** (the default application):

  - numeric room **1234**, started 25 min ago: alice (iOS, Wi-Fi, 720p), bob
    (Android, 4G), carol (Windows, Wi-Fi), dave (Android, Wi-Fi → 4G at
    minute 3), erin (web; abnormal exit — timeout — at minute 12, so she is
    gone), frank (macOS, wired, joined at minute 6). Scripted truth: carol has
    15 % upstream audio loss from minute 5 to 9; bob has +250 ms RTT from
    minute 14 to 18.
  - string room **"standup"**, started 12 min ago: grace, heidi, ivan, judy
    (judy: 10 % upstream video loss from minute 4 to 7).
  - numeric room **8888**: a 1,000-user webinar started 40 min ago (host_1..3
    publish, viewer_0001..0997 listen; a few viewers have left).
  - 20 more live rooms (numeric and string ids, 2-8 users each, seeded).
  - 50 finished calls over the last 3 days, including three earlier
    "standup" sessions (1, 2, 3 days ago) and two of room 1234 (5 h and 30 h ago).

* SdkAppId **1400000002**: live numeric room 1234 (zoe, yan, xena), live
  string room "lobby" (wanda, victor), 10 finished calls.
* SdkAppId **1400000099** exists but belongs to another account: management
  APIs answer ``UnauthorizedOperation.SdkAppId``.

Any other SdkAppId does not exist. A scenario (see ``scenario.py``) adds
rooms and may drop these defaults (``include_defaults: false``).

Numeric room 1234 and string room "1234" are different rooms, as in TRTC.
Changes made through the API (RemoveUser, DismissRoom, SetUserBlocked) are
applied to the calls, so history queries show what happened (LeaveTs,
Finished, IsFinished, DestroyTime, EventId 7001 with ParamOne 2), and each is
appended to ``World.log``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.trtc.simulator.call import Call, LeaveReason, Member
from bot.trtc.simulator.editions import Archive
from bot.trtc.simulator.ledger import Stay, background, call_stays
from bot.trtc.simulator.population import (
    APP,
    DEFAULT_SCENARIO,
    FOREIGN_APP,
    SECOND_APP,
    filler_calls,
    scenario_calls,
)
from bot.trtc.simulator.scenario import Scenario, UsageSpec


@dataclass(frozen=True)
class Change:
    """One state change made through the API."""

    time: int
    action: str
    sdkappid: int
    room_id: str
    user_id: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class UserState:
    present: bool
    is_mute: int
    leave_reason: LeaveReason | None


RoomRef = int | str


class World:
    def __init__(
        self,
        *,
        apps: Iterable[int],
        calls: Iterable[Call],
        clock: Callable[[], float] = time.time,
        foreign_apps: Iterable[int] = (),
        archive: Archive | None = None,
        usage: Iterable[Stay] = (),
    ) -> None:
        self.apps = frozenset(apps)
        # Usage older than the calls (ledger.py); the calls' own is read from them.
        self.background = list(usage)
        # DescribeTrtcRoomUsage: 1 request per 15 s (0: not enforced) and when each app asked.
        self.room_usage_interval_s = 15.0
        self.room_usage_asked: dict[int, float] = {}
        # What the history APIs may show (edition, ingestion lag); management is live.
        self.archive = archive or Archive()
        self.foreign_apps = frozenset(foreign_apps)
        self.clock = clock
        self.log: list[Change] = []
        # State of features kept in their own modules (recording tasks: recording.py).
        self.extensions: dict[str, object] = {}
        self._calls: list[Call] = []
        self._by_comm: dict[str, Call] = {}
        for call in calls:
            self.add_call(call)

    def now(self) -> int:
        return int(self.clock())

    def history_now(self) -> int:
        """ "Now" as the history APIs know it: the lag behind the clock."""
        return self.archive.as_of(self.now())

    def add_call(self, call: Call) -> None:
        call.clock = self.clock
        self._calls.append(call)
        self._by_comm[call.comm_id] = call

    # -- queries ----------------------------------------------------------------

    def has_app(self, sdkappid: int) -> bool:
        return sdkappid in self.apps

    def calls(self, sdkappid: int | None = None) -> list[Call]:
        return [c for c in self._calls if sdkappid is None or c.sdkappid == sdkappid]

    def call(self, comm_id: str) -> Call | None:
        return self._by_comm.get(comm_id)

    def live_rooms(self, sdkappid: int) -> list[Call]:
        now = self.now()
        return [c for c in self._calls if c.sdkappid == sdkappid and c.is_live(now)]

    def room(self, sdkappid: int, room_id: RoomRef) -> Call | None:
        """The live call of a room: an int is a numeric room, a str a string room."""
        numeric = isinstance(room_id, int)
        for call in self.live_rooms(sdkappid):
            if call.numeric == numeric and call.room_id == str(room_id):
                return call
        return None

    def member(self, sdkappid: int, room_id: RoomRef, user_id: str) -> Member | None:
        call = self.room(sdkappid, room_id)
        return None if call is None else call.member(user_id)

    def user_state(self, sdkappid: int, room_id: RoomRef, user_id: str) -> UserState | None:
        """Present now? Blocked how (IsMute)? Why did they leave? None: never in the live room."""
        member = self.member(sdkappid, room_id, user_id)
        if member is None:
            return None
        now = self.now()
        reason = member.leave_reason if member.left(now) else None
        return UserState(member.present(now), member.is_mute, reason)

    def history(self, sdkappid: int, start: int, end: int, room_id: str | None) -> list[Call]:
        """Calls alive at some point in [start, end] as history knows them, newest first."""
        now = self.history_now()
        found = [
            c
            for c in self._calls
            if c.sdkappid == sdkappid
            and c.create_ts <= now
            and c.overlaps(start, end, now)
            and (room_id is None or c.room_id == room_id)
        ]
        return sorted(found, key=lambda c: (-c.create_ts, c.comm_id))

    def stays(self, sdkappid: int | None, now: int) -> list[Stay]:
        """Everything the usage APIs count for one app (None: every app of the account)."""
        found = [s for s in self.background if sdkappid is None or s.sdkappid == sdkappid]
        for call in self.calls(sdkappid):
            if call.create_ts <= now:
                found.extend(call_stays(call, now))
        return found

    # -- changes ----------------------------------------------------------------

    def remove_users(self, call: Call, user_ids: Iterable[str], action: str) -> list[str]:
        """Kick the listed users who are present; absent ones are ignored, as TRTC does."""
        now = self.now()
        removed: list[str] = []
        for user_id in dict.fromkeys(user_ids):
            member = call.member(user_id)
            if member is not None and member.present(now):
                member.leave_ts, member.leave_reason = now, LeaveReason.KICKED
                removed.append(user_id)
                self.log.append(Change(now, action, call.sdkappid, call.room_id, user_id))
        return removed

    def dismiss(self, call: Call, action: str) -> None:
        """Everyone present is removed (7001 ParamOne 2) and the room ends now."""
        now = self.now()
        for user_id, member in list(call.members.items()):
            if member.join_ts > now:
                del call.members[user_id]  # never joined a room that no longer exists
            elif member.present(now):
                member.leave_ts, member.leave_reason = now, LeaveReason.KICKED
        call.destroy_ts = now
        self.log.append(Change(now, action, call.sdkappid, call.room_id))

    def join(self, sdkappid: int, room: RoomRef, user_id: str) -> tuple[Call, Member, bool] | None:
        """``user_id`` enters the room now (``sim join``, a scripted comeback): a new stay
        in the live call — the earlier one, if any, is replaced — or a new call when the
        room is not live. (call, member, whether the call is new); None: already there."""
        if not self.has_app(sdkappid):
            raise ValueError(f"SdkAppId {sdkappid} does not exist in the simulator")
        now = self.now()
        call = self.room(sdkappid, room)
        created = call is None
        if call is None:
            call = Call(sdkappid, str(room), isinstance(room, int), create_ts=now, creator=user_id)
            self.add_call(call)
        before = call.member(user_id)
        if before is not None and before.present(now):
            return None
        member = Member(user_id=user_id, join_ts=now)
        if before is not None:  # the same device comes back
            member = replace(
                before, join_ts=now, leave_ts=None, network_changes=[], mute_changes=[]
            )
            member.leave_reason = LeaveReason.NORMAL
        call.members[user_id] = member
        self.log.append(Change(now, "Join", sdkappid, call.room_id, user_id))
        return call, member, created

    def leave(self, sdkappid: int, room: RoomRef, user_id: str) -> tuple[Call, Member] | None:
        """``user_id`` leaves the room now, normally; None: not in the live room."""
        now = self.now()
        call = self.room(sdkappid, room)
        member = None if call is None else call.member(user_id)
        if call is None or member is None or not member.present(now):
            return None
        member.leave_ts, member.leave_reason = now, LeaveReason.NORMAL
        self.log.append(Change(now, "Leave", sdkappid, call.room_id, user_id))
        return call, member

    def block(self, call: Call, member: Member, is_mute: int, action: str) -> None:
        now = self.now()
        member.mute_changes.append((now, is_mute))
        self.log.append(
            Change(now, action, call.sdkappid, call.room_id, member.user_id, f"IsMute={is_mute}")
        )


def build_world(
    *,
    seed: int,
    clock: Callable[[], float],
    scenario: Scenario | None = None,
    archive: Archive | None = None,
) -> World:
    """The default world and/or a scenario's rooms; a scenario room replaces a default
    live room with the same id."""
    now = int(clock())
    calls: list[Call] = []
    apps: set[int] = set()
    defaults = scenario is None or scenario.include_defaults
    usage = scenario.usage if scenario is not None and scenario.usage is not None else None
    if usage is None and defaults:
        usage = UsageSpec()
    if defaults:
        apps |= {APP, SECOND_APP}
        calls += scenario_calls(DEFAULT_SCENARIO, now=now, seed=seed)
        calls += filler_calls(seed, now)
    if scenario is not None:
        extra = scenario_calls(scenario, now=now, seed=seed)
        replaced = {c.key for c in extra if c.is_live(now)}
        comm_ids = {c.comm_id for c in extra}
        calls = [
            c
            for c in calls
            if not (c.key in replaced and c.is_live(now)) and c.comm_id not in comm_ids
        ]
        calls += extra
        apps |= scenario.app_ids()
    stays = [] if usage is None else background(usage, APP, now=now, seed=seed)
    return World(
        apps=apps | ({APP} if stays else set()),
        calls=calls,
        clock=clock,
        foreign_apps={FOREIGN_APP} - apps,
        archive=archive,
        usage=stays,
    )
