"""Idle rooms: live for longer than a threshold with at most a few people in them.

Ghost rooms burn minutes for nobody. Who is in a room comes from the live roster
(``bot.store.roster``, kept from TRTC's room events) wherever it saw the room's call
begin or end; for any other room, from the history APIs (DescribeRoomInfo for the
live calls, DescribeUserInfo for who has not left), as current as history's lag.
Each room found says which answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.roster import RoomRoster
from bot.trtc import limits
from bot.trtc.client import TrtcClient

MAX_ROOMS = 20  # shown and offered a Dismiss button each


@dataclass(frozen=True, slots=True)
class IdleRoom:
    room: str
    users: tuple[str, ...]  # present now
    age_s: int
    live: bool  # True: from the live roster (TRTC's room events); False: TRTC's history


def _numeric(room: str) -> bool:
    """History names a room by its string form: digits are taken for a numeric room."""
    return room.isascii() and room.isdigit() and room[0] != "0"


def _began_ms(roster: RoomRoster) -> int | None:
    """When the roster's current call began: its creation, else the earliest entry."""
    created, ended = roster.room.created_ms, roster.room.ended_ms
    if created is not None and (ended is None or created > ended):
        return created
    joined = [u.joined_ms or u.at_ms for u in roster.present]
    return min(joined) if joined else None


async def idle_rooms(
    trtc: TrtcClient,
    sdkappid: int,
    now: float,
    *,
    older_than_s: int,
    max_users: int,
    rosters: Sequence[RoomRoster] = (),
) -> list[IdleRoom]:
    """Live calls older than ``older_than_s`` with at most ``max_users`` present, oldest
    first. ``rosters``: what the live roster knows of the application's rooms; a room it
    covers whole is answered from it (no DescribeUserInfo), even one history lags on."""
    end = int(now)
    covered = {(r.room.room, r.room.numeric): r for r in rosters if r.complete}
    start = end - limits.ROOM_INFO_WINDOW_S
    calls = [c async for c in trtc.rooms(sdkappid, start, end)]
    found: list[IdleRoom] = []
    for call in calls:
        if call.is_finished:
            continue
        roster = covered.pop((call.room_string, _numeric(call.room_string)), None)
        if roster is not None:
            if roster.live:  # else the roster saw it end: history has yet to
                began = _began_ms(roster)
                first = began // 1000 if began is not None else call.create_time
                found.append(_from_roster(roster, first, end))
            continue
        if end - call.create_time < older_than_s:
            continue
        since = max(call.create_time, end - limits.USER_INFO_WINDOW_S)
        users = [u async for u in trtc.users(sdkappid, call.comm_id, since, end)]
        present = sorted({u.user_id for u in users if not u.finished})
        age = end - call.create_time
        found.append(IdleRoom(call.room_string, tuple(present), age, live=False))
    for roster in covered.values():  # live by its events; history has not shown it (yet)
        began = _began_ms(roster)
        if roster.live and began is not None:
            found.append(_from_roster(roster, began // 1000, end))
    kept = [r for r in found if r.age_s >= older_than_s and len(r.users) <= max_users]
    return sorted(kept, key=lambda r: -r.age_s)


def _from_roster(roster: RoomRoster, began: int, end: int) -> IdleRoom:
    users = tuple(sorted(u.user_id for u in roster.present))
    return IdleRoom(roster.room.room, users, end - began, live=True)
