"""The live incident feed, assembled: receiver → records → relay → feed → notices.

``async with CallbackService(...) as callbacks`` starts the relay and the feed
on the running loop and stops them (flushing what is pending) on the way out.
``callbacks.receiver`` is what ``add_routes`` mounts; ``callbacks.serve()``
runs it on its own port instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING

from aiohttp import web

from bot.callbacks.banlist import Banlist, add_banlist_route
from bot.callbacks.feed import Feed, Pacing
from bot.callbacks.intake import Intake
from bot.callbacks.onair import OnAir
from bot.callbacks.receiver import (
    CALLBACK_PATH,
    REPLAY_HORIZON_S,
    Receiver,
    add_routes,
    serve_receiver,
)
from bot.callbacks.recording import RecordingSink
from bot.callbacks.relay import Relay
from bot.core.notice import Notify
from bot.settings import Settings, TrtcMode
from bot.store import Store

if TYPE_CHECKING:
    from bot.core.dispatcher import Core

log = logging.getLogger(__name__)

SETTLE_S = 5.0


class CallbackService:
    def __init__(
        self,
        store: Store,
        key: str | None,
        notify: Notify | None = None,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        pacing: Pacing | None = None,
        poll_s: float = 1.0,
        horizon_s: float = REPLAY_HORIZON_S,
        banlist_key: str | None = None,
    ) -> None:
        self.feed = Feed(notify, pacing=pacing, monotonic=monotonic, wall=clock)
        self.relay = Relay(
            store.callbacks,
            store.watches,
            self.feed,
            clock=clock,
            poll_s=poll_s,
            roster=store.roster,
            bans=store.bans,
            learn=OnAir(store.relays).learn,
        )
        self.intake = Intake(
            store.callbacks, clock=clock, on_stored=self.relay.wake, roster=store.roster
        )
        # No key, no receiver: unsigned callbacks are never trusted. The relay still
        # runs (a standalone receiver may share the database) and watches still expire.
        self.receiver = (
            Receiver(
                key,
                self.intake,
                clock=clock,
                horizon_s=horizon_s,
                recordings=RecordingSink(store.recordings.custody, clock=clock),
            )
            if key
            else None
        )
        # GET /trtc/banned for the customer's ticket server: only with its own key.
        self.banlist = Banlist(banlist_key, store.bans, clock=clock) if banlist_key else None
        self._tasks: list[asyncio.Task[None]] = []

    def deliver_to(self, core: Core) -> None:
        """Send the feed's notices to the core's listeners and room entries to its bans
        (the core is built after this service)."""
        self.feed.notify = core.notify
        self.relay.keep_out = core.keep_out

    def add_routes(self, app: web.Application) -> bool:
        """Mount ``POST /trtc/callback`` (and ``GET /trtc/banned`` when its key is set);
        False (no callback receiver mounted) without a callback key."""
        if self.banlist is not None:
            add_banlist_route(app, self.banlist)
        if self.receiver is None:
            log.warning("TRTC_CALLBACK_KEY is not set: %s is not served", CALLBACK_PATH)
            return False
        add_routes(app, self.receiver)
        return True

    def serve(
        self, *, host: str = "127.0.0.1", port: int = 0
    ) -> contextlib.AbstractAsyncContextManager[str]:
        """``async with callbacks.serve(port=8080) as url``: the receiver on its own port."""
        if self.receiver is None:
            raise ValueError("the callback receiver needs TRTC_CALLBACK_KEY")
        return serve_receiver(self.receiver, host=host, port=port, banlist=self.banlist)

    async def __aenter__(self) -> CallbackService:
        self._tasks = [
            asyncio.create_task(self.relay.run(), name="callback-relay"),
            asyncio.create_task(self.feed.run(), name="callback-feed"),
        ]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.intake.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        try:
            await self.settle()
        except Exception:
            log.exception("flushing the feed on the way out failed")

    async def settle(self, in_flight: Callable[[], Awaitable[None]] | None = None) -> None:
        """Relay everything stored and send every pending notice now (tests, shutdown);
        first wait (``in_flight``) until a local sender — the embedded simulator — has
        delivered the callbacks it has queued."""
        if in_flight is not None:
            try:
                await asyncio.wait_for(in_flight(), SETTLE_S)
            except TimeoutError:
                log.warning("the simulator's callbacks did not all arrive within %ss", SETTLE_S)
        await self.intake.close()
        await self.relay.catch_up()
        await self.feed.flush_all()


def banlist_key(settings: Settings) -> str | None:
    """TRTC_CHATOPS_BANLIST_KEY, or None: ``/trtc/banned`` is not served."""
    configured = settings.trtc_chatops_banlist_key
    return (configured.get_secret_value() or None) if configured is not None else None


def callback_key(settings: Settings) -> str | None:
    """TRTC_CALLBACK_KEY; with the embedded simulator and no key, a fresh one for it to
    sign with (the simulator is configured by us, so any key will do)."""
    configured = settings.trtc_callback_key
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    return secrets.token_hex(16) if settings.trtc_mode is TrtcMode.SIMULATOR else None


@asynccontextmanager
async def receiver_only(
    store: Store, key: str, *, host: str, port: int, banlist_key: str | None = None
) -> AsyncIterator[tuple[str, Intake]]:
    """Just the receiver: verify and store. A relay elsewhere (the bot) posts. With
    ``banlist_key`` it answers ``GET /trtc/banned`` too."""
    intake = Intake(store.callbacks, roster=store.roster)
    receiver = Receiver(key, intake, recordings=RecordingSink(store.recordings.custody))
    banlist = Banlist(banlist_key, store.bans) if banlist_key else None
    try:
        async with serve_receiver(receiver, host=host, port=port, banlist=banlist) as url:
            yield url, intake
    finally:
        await intake.close()
