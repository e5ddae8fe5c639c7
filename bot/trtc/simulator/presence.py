"""Joins and leaves on demand: ``sim join``/``sim leave`` in the console, ``join``/``leave``
on the simulator in tests, and a scenario's comebacks (a removed user who returns
``after_s`` later, up to ``times`` times: the determined abuser a ban must hold against).

Each is applied to the world at once and, with callbacks configured, told as TRTC
tells it — 103 on entry (101 first for a room that was not live), 104 on leaving —
signed and delivered by the same sender as every other callback. The timeline is
scanned first, so nothing it had scheduled is reported twice or out of order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.trtc.simulator.callbacks import Announcer
from bot.trtc.simulator.scenario import Scenario
from bot.trtc.simulator.world import RoomRef, World

REMOVALS = {"RemoveUser": True, "RemoveUserByStrRoomId": False}


@dataclass(frozen=True)
class Comeback:
    """After each removal, ``user`` enters the room again ``after_s`` later, ``times`` times."""

    sdkappid: int
    room: RoomRef
    user: str
    after_s: float = 2.0
    times: int = 3


class Presence:
    def __init__(
        self, world: World, announcer: Announcer | None, comebacks: tuple[Comeback, ...] = ()
    ) -> None:
        self.world = world
        self.announcer = announcer
        self.comebacks = {
            (c.sdkappid, isinstance(c.room, int), str(c.room), c.user): c for c in comebacks
        }
        self._used: Counter[tuple[int, bool, str, str]] = Counter()
        self._due: list[tuple[float, int, RoomRef, str]] = []
        self._seen = len(world.log)

    def join(self, sdkappid: int, room: RoomRef, user: str) -> bool:
        """``user`` enters now; False when already in the room."""
        if self.announcer is not None:
            self.announcer.scan()
        joined = self.world.join(sdkappid, room, user)
        if joined is None:
            return False
        if self.announcer is not None:
            call, member, created = joined
            self.announcer.entered(call, member, created=created)
        return True

    def leave(self, sdkappid: int, room: RoomRef, user: str) -> bool:
        """``user`` leaves now; False when not in the room."""
        if self.announcer is not None:
            self.announcer.scan()
        left = self.world.leave(sdkappid, room, user)
        if left is None:
            return False
        if self.announcer is not None:
            self.announcer.left(*left)
        return True

    def tick(self) -> int:
        """Schedule the comebacks of users removed since the last tick; make the due ones
        enter. How many entered."""
        now = self.world.clock()
        for change in self.world.log[self._seen :]:
            numeric = REMOVALS.get(change.action)
            if numeric is None or change.user_id is None:
                continue
            key = (change.sdkappid, numeric, change.room_id, change.user_id)
            rule = self.comebacks.get(key)
            if rule is not None and self._used[key] < rule.times:
                self._used[key] += 1
                self._due.append((now + rule.after_s, change.sdkappid, rule.room, rule.user))
        self._seen = len(self.world.log)
        due = [d for d in self._due if d[0] <= now]
        self._due = [d for d in self._due if d[0] > now]
        return sum(self.join(app, room, user) for _, app, room, user in due)


def comebacks(scenario: Scenario | None) -> tuple[Comeback, ...]:
    """The scenario's users who come back after a removal."""
    if scenario is None:
        return ()
    return tuple(
        Comeback(room.sdkappid, room.room, c.user, c.after_s, c.times)
        for room in scenario.rooms
        for c in room.comebacks
    )
