"""Idle rooms: live for longer than a threshold with at most a few people in them.

Ghost rooms burn minutes for nobody. TRTC offers no live roster, and the bot keeps
none yet, so who is in a room comes from the history APIs (DescribeRoomInfo for the
live calls, DescribeUserInfo for who has not left): as current as history's lag.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.trtc import limits
from bot.trtc.client import TrtcClient
from bot.trtc.models import RoomState

MAX_ROOMS = 20  # shown and offered a Dismiss button each


@dataclass(frozen=True, slots=True)
class IdleRoom:
    call: RoomState
    users: tuple[str, ...]  # present now
    age_s: int

    @property
    def room(self) -> str:
        return self.call.room_string


async def idle_rooms(
    trtc: TrtcClient, sdkappid: int, now: float, *, older_than_s: int, max_users: int
) -> list[IdleRoom]:
    """Live calls older than ``older_than_s`` with at most ``max_users`` present, oldest first."""
    end = int(now)
    start = end - limits.ROOM_INFO_WINDOW_S
    calls = [c async for c in trtc.rooms(sdkappid, start, end)]
    found: list[IdleRoom] = []
    for call in sorted(calls, key=lambda c: c.create_time):
        age = end - call.create_time
        if call.is_finished or age < older_than_s:
            continue
        since = max(call.create_time, end - limits.USER_INFO_WINDOW_S)
        users = [u async for u in trtc.users(sdkappid, call.comm_id, since, end)]
        present = sorted({u.user_id for u in users if not u.finished})
        if len(present) <= max_users:
            found.append(IdleRoom(call, tuple(present), age))
    return found
