"""Events into threads, paced: one running status message per burst, edited in place.

Per thread (Slack thread or the console's):

* the first event waits ``gather_s`` for the rest of its burst, then one notice
  goes out; after that, at most one notice per ``window_s`` (Slack allows about
  one post per second per channel, and people cannot read faster anyway);
* a notice in the same *episode* carries the same ``Notice.key``, so adapters
  edit that message in place with the episode's running summary instead of
  posting again; a new episode (a new message) starts after ``quiet_s`` without
  events or once an episode is ``episode_max_s`` old, so news still shows up
  as a new message and a long incident does not hide in one edited post.

So a 500-user room joining at once produces one message saying "500 joined",
edited a few times while the burst lasts, never 500 posts.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.callbacks.digest import Digest, render
from bot.callbacks.event import CallbackEvent
from bot.core.notice import Notice, Notify
from bot.loops import every
from bot.store.watches import Place

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pacing:
    gather_s: float = 1.0
    window_s: float = 5.0
    quiet_s: float = 20.0
    episode_max_s: float = 120.0
    tick_s: float = 0.1

    def __post_init__(self) -> None:
        if not 0 <= self.gather_s <= self.window_s <= self.quiet_s:
            raise ValueError("pacing needs 0 <= gather_s <= window_s <= quiet_s")


@dataclass
class _Thread:
    place: Place
    episode: dict[str, Digest] = field(default_factory=dict)
    key: str | None = None
    number: int = 0
    started: float = 0.0
    last_flush: float = float("-inf")
    due: float | None = None
    shown: int = 0  # notices in this episode so far (the first one posts)


@dataclass
class Tally:
    """What the feed has sent: new messages and in-place edits."""

    events: int = 0
    posts: int = 0
    edits: int = 0

    @property
    def notices(self) -> int:
        return self.posts + self.edits


class Feed:
    def __init__(
        self,
        notify: Notify | None = None,
        *,
        pacing: Pacing | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        # Where notices go; set later when the adapter is built after the feed.
        self.notify = notify
        self.pacing = pacing or Pacing()
        self._now = monotonic
        self._wall = wall
        self.tally = Tally()
        self._threads: dict[Place, _Thread] = {}
        # Keys must not collide with a previous process's messages.
        self._prefix = "trtc-watch:" + secrets.token_hex(4)

    def add(self, place: Place, room: str, event: CallbackEvent) -> None:
        now = self._now()
        pacing = self.pacing
        thread = self._threads.get(place)
        if thread is None:
            thread = self._threads[place] = _Thread(place)
        if thread.due is None:
            # The next notice's fate is settled now: nothing moves last_flush or
            # started before it goes out.
            if (
                thread.key is None
                or now - thread.last_flush > pacing.quiet_s
                or now - thread.started > pacing.episode_max_s
            ):
                thread.number += 1
                thread.key = f"{self._prefix}:{place.channel}:{place.thread}:{thread.number}"
                thread.episode = {}
                thread.started = now
                thread.shown = 0
            thread.due = max(now + pacing.gather_s, thread.last_flush + pacing.window_s)
        digest = thread.episode.get(room)
        if digest is None:
            digest = thread.episode[room] = Digest(room)
        digest.add(event)
        self.tally.events += 1

    async def note(self, notice: Notice) -> None:
        """A one-off message (a watch ran out): sent as is, outside any episode."""
        await self._send(notice, new=True)

    async def flush_due(self) -> int:
        """Send every thread's notice that is due; how many were sent."""
        now = self._now()
        due = [t for t in self._threads.values() if t.due is not None and t.due <= now]
        await asyncio.gather(*(self._flush(t, now) for t in due))
        self._forget_idle(now)
        return len(due)

    async def flush_all(self) -> int:
        """Send everything pending now, pacing aside (shutting down, or a test)."""
        now = self._now()
        pending = [t for t in self._threads.values() if t.due is not None]
        await asyncio.gather(*(self._flush(t, now) for t in pending))
        return len(pending)

    @property
    def pending(self) -> bool:
        return any(t.due is not None for t in self._threads.values())

    async def run(self) -> None:
        await every(self.pacing.tick_s, self.flush_due, "feed flush")

    async def _flush(self, thread: _Thread, now: float) -> None:
        reply = render(list(thread.episode.values()), updated_s=self._wall())
        new = thread.shown == 0
        thread.due, thread.last_flush = None, now
        thread.shown += 1
        notice = Notice(thread.place.channel, thread.place.thread, reply, key=thread.key)
        await self._send(notice, new=new)

    async def _send(self, notice: Notice, *, new: bool) -> None:
        if new:
            self.tally.posts += 1
        else:
            self.tally.edits += 1
        if self.notify is None:
            log.warning("a feed notice has nowhere to go: %s", notice.reply.headline)
            return
        try:
            await self.notify(notice)
        except Exception:
            log.exception("a feed notice could not be delivered")

    def _forget_idle(self, now: float) -> None:
        """Threads quiet for quiet_s are forgotten (bounded memory): their next event
        would start a new message anyway."""
        idle = [
            place
            for place, t in self._threads.items()
            if t.due is None and now - t.last_flush > self.pacing.quiet_s
        ]
        for place in idle:
            del self._threads[place]
