"""What is live in a room now, from TRTC's history APIs (the only view TRTC offers)."""

from __future__ import annotations

from bot.trtc import limits
from bot.trtc.client import TrtcClient
from bot.trtc.models import RoomState, UserInformation
from bot.trtc.rooms import RoomRef

# How far back a live call is looked for: one DescribeRoomInfo window.
SEARCH_S = limits.ROOM_INFO_WINDOW_S


async def calls_of(
    trtc: TrtcClient, ref: RoomRef, now: float, since_s: int = SEARCH_S
) -> list[RoomState]:
    """The room's calls in the window, newest first."""
    end = int(now)
    found = [r async for r in trtc.rooms(ref.sdkappid, end - since_s, end, room_id=ref.room)]
    # DescribeRoomInfo filters by the string form; keep only this room exactly.
    exact = [r for r in found if r.room_string == ref.room]
    return sorted(exact, key=lambda r: r.create_time, reverse=True)


async def live_call(trtc: TrtcClient, ref: RoomRef, now: float) -> RoomState | None:
    return next((c for c in await calls_of(trtc, ref, now) if not c.is_finished), None)


async def users_of(
    trtc: TrtcClient, ref: RoomRef, call: RoomState, now: float
) -> list[UserInformation]:
    """Everyone seen in the call's last four hours (TRTC's widest user query)."""
    end = int(now) if not call.is_finished else min(int(now), call.destroy_time or int(now))
    start = max(call.create_time, end - limits.USER_INFO_WINDOW_S)
    if start >= end:
        start = end - 1
    return [u async for u in trtc.users(ref.sdkappid, call.comm_id, start, end)]


async def present_users(
    trtc: TrtcClient, ref: RoomRef, now: float
) -> tuple[RoomState | None, list[UserInformation]]:
    call = await live_call(trtc, ref, now)
    if call is None:
        return None, []
    return call, [u for u in await users_of(trtc, ref, call, now) if not u.finished]
