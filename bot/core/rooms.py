"""What is live in a room now: the live roster kept from TRTC's room events, with TRTC's
history APIs (not real time, by TRTC's own account) as the fallback."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.values import clock_time
from bot.store.roster import RoomRoster
from bot.store.tables import RosterUser
from bot.trtc import limits
from bot.trtc.client import TrtcClient
from bot.trtc.models import RoomState, UserInformation
from bot.trtc.rooms import RoomRef

if TYPE_CHECKING:
    from bot.core.context import Context

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


class Source(StrEnum):
    """Where an answer about who is in a room comes from."""

    LIVE = "live"  # the roster alone: TRTC's room events since the call began
    CORRECTED = "corrected"  # TRTC's history, with the roster's events laid over it
    HISTORY = "history"  # TRTC's history alone (no event of the room seen)


@dataclass(frozen=True, slots=True)
class Presence:
    """Who is in a room now, and how we know."""

    live: bool
    users: list[UserInformation]
    source: Source
    note: str  # one line for the reply: which source, how fresh
    call: RoomState | None = None  # the call as history shows it (not asked when LIVE)
    since: int | None = None  # when the call began (Unix s), when known
    # The roster's own record of a call it saw end: when it began (if seen) and ended.
    began: int | None = None
    ended: int | None = None

    @property
    def user_ids(self) -> set[str]:
        return {u.user_id for u in self.users}


_TERMINALS = {1: "Windows", 2: "Android", 3: "iOS", 4: "Linux"}


def _from_roster(user: RosterUser) -> UserInformation:
    return UserInformation(
        user_id=user.user_id,
        join_ts=(user.joined_ms or user.at_ms) // 1000,
        device_type=_TERMINALS.get(user.terminal or 0, ""),
    )


def _behind(lag_s: int) -> str:
    return f", up to {lag_s} s behind" if lag_s > 0 else ""


def _live(roster: RoomRoster) -> Presence:
    created = roster.room.created_ms
    last = clock_time(roster.room.last_ms / 1000, seconds=True)
    return Presence(
        live=roster.live,
        users=[_from_roster(u) for u in roster.present],
        source=Source.LIVE,
        note=f"Live, from TRTC events (the latest at {last}).",
        since=created // 1000 if created is not None and roster.live else None,
        began=created // 1000 if created is not None else None,
        ended=roster.room.ended_ms // 1000 if roster.room.ended_ms and not roster.live else None,
    )


async def live_presence(ctx: Context, ref: RoomRef) -> Presence | None:
    """The live roster's answer alone (no TRTC call), or None when it does not cover
    the room's call (see ``present_users``)."""
    roster = await ctx.services.store.roster.room(ref.sdkappid, ref.room, ref.numeric)
    return _live(roster) if roster is not None and roster.complete else None


async def present_users(ctx: Context, ref: RoomRef) -> Presence:
    """Who is in the room now: the live roster when TRTC's room events cover the whole
    call, else TRTC's history with the roster's newer events laid over it, else history
    alone. Every caller (``users``, confirmation previews, kick results, recovery
    checks) asks here, so all of them see the same, freshest answer."""
    roster = await ctx.services.store.roster.room(ref.sdkappid, ref.room, ref.numeric)
    if roster is not None and roster.complete:
        return _live(roster)
    lag = ctx.services.history.lag_s
    call = await live_call(ctx.trtc, ref, ctx.now)
    found = (
        [u for u in await users_of(ctx.trtc, ref, call, ctx.now) if not u.finished] if call else []
    )
    start_ms = call.create_time * 1000 if call is not None else 0
    if roster is None or roster.room.last_ms < start_ms:
        # No event of this room seen, or none since this call began.
        why = "no TRTC event of this room seen" if roster is None else "no TRTC event this call"
        return Presence(
            live=call is not None,
            users=found,
            source=Source.HISTORY,
            note=f"From TRTC history{_behind(lag)} ({why}).",
            call=call,
            since=call.create_time if call is not None else None,
        )
    by_id = {u.user_id: u for u in found}
    for user in roster.users:
        if user.at_ms < start_ms:
            continue  # an event of an earlier call
        if user.present:
            by_id.setdefault(user.user_id, _from_roster(user))
        else:
            by_id.pop(user.user_id, None)
    since = clock_time(roster.room.first_ms / 1000, seconds=True)
    return Presence(
        live=call is not None or any(u.present and u.at_ms >= start_ms for u in roster.users),
        users=list(by_id.values()),
        source=Source.CORRECTED,
        note=f"From TRTC history{_behind(lag)}, corrected by live TRTC events since {since}.",
        call=call,
        since=call.create_time if call is not None else None,
    )
