"""Bans that hold: someone TRTC lets back into a room they are banned from is removed
again at once, by ``system:ban`` through the one execution path, and the thread where
the ban was made hears of it — a burst of rejoins in one message, not one each.

TRTC has no ban of its own; the room-entry callback (event 103) is the bot's cue.
Each entry of a banned user is claimed once in the store (the ban and the callback's
identity are a unique pair), so two replicas handed the same callback, or TRTC's
retry of it, remove them once. A ban whose time is up ends by itself on the tick:
its operation is undone by ``system:ban``, which edits its messages in the thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.actor import Chore, SystemActor
from bot.core.context import Context
from bot.core.execution import Execution, chore
from bot.core.markup import person
from bot.core.notice import Notice
from bot.core.reply import Reply, Severity
from bot.core.values import clock_time, format_duration
from bot.store.tables import Ban, BanRejoin
from bot.trtc.errors import TrtcError, TrtcOutcomeUnknown, TrtcTransportError
from bot.trtc.rooms import EVERY_ROOM, RoomRef

log = logging.getLogger(__name__)

# Rejoins of one ban that come within this long of the first are told in one message.
TELL_WINDOW_S = 5.0
REMOVED, FAILED, UNKNOWN = "removed", "failed", "unknown"
_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}


@dataclass(frozen=True, slots=True)
class Entry:
    """Someone entering a room, as TRTC's room-entry callback tells it."""

    sdkappid: int
    room: str
    numeric: bool
    user_id: str
    key: str  # the callback event's identity: the same for TRTC's retries of it

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.numeric)


def covers(ban: Ban, entry: Entry) -> bool:
    if ban.sdkappid != entry.sdkappid or ban.user_id != entry.user_id:
        return False
    return ban.room == EVERY_ROOM or (ban.room == entry.room and ban.numeric == entry.numeric)


async def keep_out(execution: Execution, entries: Sequence[Entry]) -> int:
    """Remove again every banned user among ``entries`` that this caller claims; how many
    were removed. One query for the whole batch; the removals run side by side."""
    services = execution.services
    if not entries:
        return 0
    now = services.clock()
    bans = await services.store.bans.in_force(
        {e.sdkappid for e in entries}, {e.user_id for e in entries}, now
    )
    caught = [
        (entry, ban)
        for entry in entries
        if (ban := next((b for b in bans if covers(b, entry)), None)) is not None
    ]
    if not caught:
        return 0
    done = await asyncio.gather(*(_remove(execution, e, b, now) for e, b in caught))
    return sum(done)


async def _remove(execution: Execution, entry: Entry, ban: Ban, now: float) -> bool:
    store = execution.services.store
    rejoin = await store.bans.take_rejoin(ban, entry.key, entry.room, entry.numeric, now)
    if rejoin is None:
        return False  # another replica, or an earlier delivery of this callback, has it
    op = await store.operations.get(ban.operation_id) if ban.operation_id is not None else None
    if op is None:  # every ban is made by a confirmed operation; a row without is damaged
        log.error("ban %s has no operation: %s was let back in", ban.id, entry.user_id)
        await store.bans.settle_rejoin(rejoin.id, FAILED, None)
        return False
    room = entry.room_ref

    async def remove(ctx: Context) -> Reply:
        removal = await ctx.trtc.remove_users(room.sdkappid, room.api_room, [entry.user_id])
        return Reply(
            headline=f"Removed {entry.user_id} from room {room} again",
            request_ids=removal.request_ids,
        )

    by = Chore(SystemActor.BAN, ban.channel, ban.thread, op.text)
    note = f"{entry.user_id} entered room {room} while banned (ban {ban.id}): removed again"
    try:
        reply = await execution.act(by, op, remove, note)
    except TrtcError as exc:
        lost = isinstance(exc, TrtcOutcomeUnknown | TrtcTransportError)
        await store.bans.settle_rejoin(rejoin.id, UNKNOWN if lost else FAILED, None)
        log.warning("could not remove banned %s from %s: %s", entry.user_id, room, exc.code)
        return False
    await store.bans.settle_rejoin(rejoin.id, REMOVED, next(iter(reply.request_ids), None))
    return True


async def tell_rejoins(execution: Execution) -> int:
    """Tell each ban's thread of the rejoins not told yet, once their window has passed;
    how many notices. Claimed in the store: one replica tells each rejoin."""
    services = execution.services
    claimed = await services.store.bans.untold(services.clock() - TELL_WINDOW_S)
    for ban_id, rejoins in claimed.items():
        ban = await services.store.bans.get(ban_id)
        if ban is not None:
            await execution.notify(Notice(ban.channel, ban.thread, rejoin_notice(ban, rejoins)))
    return len(claimed)


def _times(n: int) -> str:
    return _TIMES.get(n, f"{n} times")


def rejoin_notice(ban: Ban, rejoins: Sequence[BanRejoin]) -> Reply:
    """``alice tried to rejoin 1234 three times; removed each time`` (rooms by their id:
    a ban is of one application)."""
    rooms = Counter(r.room for r in rejoins)
    where = " and ".join(f"{room} {_times(n)}" for room, n in rooms.items())
    removed = sum(r.outcome == REMOVED for r in rejoins)
    severity = Severity.INFO
    if removed == len(rejoins):
        result = "removed each time" if len(rejoins) > 1 else "removed again"
    else:
        result = f"removed {removed} of {len(rejoins)} times — the audit has why"
        severity = Severity.WARNING
    until = f"until {clock_time(ban.until)}" if ban.until else "until someone unbans them"
    plural = "s" if ban.attempts != 1 else ""
    return Reply(
        headline=f"{ban.user_id} tried to rejoin {where}; {result}",
        severity=severity,
        lines=(
            f"Banned by {person(ban.created_by)} {until}; "
            f"{ban.attempts} rejoin attempt{plural} so far.",
        ),
    )


async def end_due(execution: Execution) -> int:
    """End every ban whose time is up (one caller wins each); its operation is undone by
    ``system:ban``, so the ban's messages say it is over. How many bans ended."""
    services = execution.services
    now = services.clock()
    due = await services.store.bans.due(now)
    won = set(await services.store.bans.end([b.id for b in due], "expired", SystemActor.BAN, now))
    ended = [b for b in due if b.id in won]
    for op_id in dict.fromkeys(b.operation_id for b in ended if b.operation_id is not None):
        if await services.store.bans.active_of(op_id):
            continue  # some of its bans are still in force (not ended together)
        op = await services.store.operations.get(op_id)
        if op is None:
            continue
        mine = [b for b in ended if b.operation_id == op_id]
        users = ", ".join(b.user_id for b in mine)
        length = format_duration(round((mine[0].until or now) - mine[0].created_at))
        note = (
            f"The {length} ban by {person(mine[0].created_by)} is over: {users} may rejoin "
            f"{'any room' if mine[0].everywhere else f'room {mine[0].room_ref}'}."
        )
        await execution.undo(op, chore(SystemActor.BAN, op), note=note)
    return len(ended)
