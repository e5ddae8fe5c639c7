"""From stored callbacks to watched threads: claim, match, feed; end watches.

The receiver stores each verified event and wakes the relay (same process);
a relay in another process (a standalone receiver beside a Socket Mode bot)
finds the rows by polling. Claims are atomic, so with several replicas each
event is described once — at most once: a crash between a claim and the
post loses those lines rather than repeating them. A dismissal (102) ends
every watch of the room; a watch past its time ends with a message saying so.
Room entries (103) are first shown to ``keep_out`` (the core's: a banned user is
removed again), before any watch is fed, so a rejoin is undone within the second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence

from bot.callbacks.event import CallbackEvent, EventType, matches
from bot.callbacks.feed import Feed
from bot.core.bans import Entry
from bot.core.markup import code
from bot.core.notice import Notice
from bot.core.reply import Reply
from bot.core.values import format_duration
from bot.store.bans import Bans
from bot.store.callbacks import KEEP_S, Callbacks
from bot.store.roster import Roster
from bot.store.tables import Watch
from bot.store.watches import Place, Watches

log = logging.getLogger(__name__)

BATCH = 500

KeepOut = Callable[[Sequence[Entry]], Awaitable[int]]


class Relay:
    def __init__(
        self,
        records: Callbacks,
        watches: Watches,
        feed: Feed,
        *,
        clock: Callable[[], float] = time.time,
        poll_s: float = 1.0,
        gap_s: float = 0.05,
        housekeeping_s: float = 10.0,
        roster: Roster | None = None,
        bans: Bans | None = None,
        learn: Callable[[Sequence[CallbackEvent], float], Awaitable[None]] | None = None,
    ) -> None:
        self.roster = roster
        self.bans = bans
        self.records = records
        self.watches = watches
        self.feed = feed
        self.clock = clock
        self.poll_s = poll_s
        self.gap_s = gap_s
        self.housekeeping_s = housekeeping_s
        # Told of every event once, before the watches (relay callbacks: onair.py).
        self.learn = learn
        self.processed = 0
        # Set by the service once the core exists (``CallbackService.deliver_to``).
        self.keep_out: KeepOut | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._last_housekeeping = float("-inf")

    def wake(self) -> None:
        """New records are stored: look now rather than at the next poll."""
        self._wake.set()

    async def catch_up(self) -> int:
        """Describe every stored, unclaimed event; how many this call took."""
        taken = 0
        async with self._lock:
            while batch := await self.records.claim(BATCH, CallbackEvent):
                await self._relay(batch)
                taken += len(batch)
        return taken

    async def housekeeping(self) -> None:
        """End watches whose time is up (saying so in their thread); prune old records and
        the roster's ended rooms, and the rejoins of bans long over."""
        now = self.clock()
        due = await self.watches.due(now)
        for watch_id in await self.watches.end([w.id for w in due], "expired", now):
            watch = next(w for w in due if w.id == watch_id)
            await self.feed.note(_expired(watch))
        await self.records.prune(now - KEEP_S)
        if self.roster is not None:
            await self.roster.prune(now)
        if self.bans is not None:
            await self.bans.prune(now)
        self._last_housekeeping = now

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.catch_up()
                if self.clock() - self._last_housekeeping >= self.housekeeping_s:
                    await self.housekeeping()
            except Exception:
                log.exception("relaying callbacks failed; retrying at the next poll")
            # Under load, one claim per gap rather than one per stored batch.
            await asyncio.sleep(self.gap_s)
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
            # cancellation that lands as the wake-up does, and this loop would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_s):
                    await self._wake.wait()

    async def _relay(self, events: Sequence[CallbackEvent]) -> None:
        await self._keep_out(events)
        now = self.clock()
        if self.learn is not None:
            await self.learn(events, now)
        watches = await self.watches.active(now, {e.sdkappid for e in events})
        rooms: dict[tuple[int, str], list[Watch]] = defaultdict(list)
        for watch in watches:
            rooms[(watch.sdkappid, watch.room)].append(watch)
        for event in events:
            if event.room is not None and rooms:
                await self._route(event, rooms, now)
        self.processed += len(events)

    async def _keep_out(self, events: Sequence[CallbackEvent]) -> None:
        entries = [
            Entry(e.sdkappid, e.room, e.numeric, e.user_id, e.key)
            for e in events
            if e.type == EventType.ENTER_ROOM and e.room is not None and e.user_id is not None
        ]
        if entries and self.keep_out is not None:
            try:
                await self.keep_out(entries)
            except Exception:  # the watches still hear of these events
                log.exception("keeping banned users out failed for %d entries", len(entries))

    async def _route(
        self, event: CallbackEvent, rooms: dict[tuple[int, str], list[Watch]], now: float
    ) -> None:
        assert event.room is not None
        candidates = rooms.get((event.sdkappid, event.room), [])
        targets = [w for w in candidates if matches(event, w.room, w.numeric)]
        fed: set[tuple[Place, str]] = set()
        for watch in targets:
            place = Place(watch.channel, watch.thread)
            # Two watches of one room from one thread (a race) still post once.
            room = str(watch.room_ref)
            if (place, room) not in fed:
                fed.add((place, room))
                self.feed.add(place, room, event)
        if event.type == EventType.DISMISS_ROOM and targets:
            await self.watches.end([w.id for w in targets], "dismissed", now)
            for watch in targets:
                candidates.remove(watch)


def _expired(watch: Watch) -> Notice:
    lasted = format_duration(watch.expires_at - watch.created_at)
    reply = Reply(
        headline=f"Stopped watching room {watch.room_ref}: a watch lasts {lasted}.",
        lines=(f"Run {code(f'watch {watch.room_ref}')} again to keep following it here.",),
    )
    return Notice(watch.channel, watch.thread, reply)
