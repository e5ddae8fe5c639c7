"""The composition root: the whole bot built from ``Settings``, in one place.

Slack mode, the console and the tests all come through ``open_bot``: the
database, what TRTC is (Tencent Cloud or the embedded simulator), the policy
in force, the core and the TRTC callback feed. What differs between them is
passed in (the policy source, who is in which usergroup); every other part
can be passed in too, so tests hand in real local servers instead of patching.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.app.backend import Backend, open_backend, trtc_pacer
from bot.app.core import background, create_core, history_terms
from bot.callbacks import CallbackService, banlist_key, callback_key
from bot.core.context import Directory, Policies, Services
from bot.core.dispatcher import Core
from bot.core.spec import CommandSpec
from bot.settings import Settings, TrtcMode
from bot.store import Store
from commands import REGISTRY

# The database the bot keeps on Tencent Cloud when DATABASE_URL is unset.
DEFAULT_DATABASE = "sqlite+aiosqlite:///trtc-chatops.sqlite3"


def database_url(settings: Settings) -> str:
    """A rehearsal on the simulator gets a fresh database; real TRTC keeps its history."""
    if settings.database_url is not None:
        return settings.database_url
    if settings.trtc_mode is TrtcMode.SIMULATOR:
        folder = Path(tempfile.mkdtemp(prefix="trtc-chatops-"))
        return f"sqlite+aiosqlite:///{folder / 'console.sqlite3'}"
    return DEFAULT_DATABASE


@dataclass
class Bot:
    """Everything one process is made of, adapters aside."""

    settings: Settings
    core: Core
    store: Store
    backend: Backend
    callbacks: CallbackService

    @property
    def services(self) -> Services:
        return self.core.services

    @property
    def mode(self) -> TrtcMode:
        return self.backend.mode

    def running(self) -> contextlib.AbstractAsyncContextManager[Core]:
        """The background tick (expiry, recovery, timed mutes) for as long as the block."""
        return background(self.core)

    async def settle(self) -> None:
        """Every TRTC callback in flight delivered and posted (tests, the console's end)."""
        simulator = self.backend.simulator
        await self.callbacks.settle(simulator.callbacks_sent if simulator else None)


@asynccontextmanager
async def open_bot(
    settings: Settings,
    *,
    policies: Callable[[], Policies],
    directory: Directory,
    store: Store | None = None,
    backend: Backend | None = None,
    callbacks: CallbackService | None = None,
    callback_url: str | None = None,
    clock: Callable[[], float] = time.time,
    registry: Sequence[CommandSpec] = REGISTRY,
    people: Mapping[str, str] | None = None,
) -> AsyncIterator[Bot]:
    """The bot, open for the block. ``callback_url``: where the embedded simulator
    posts its event callbacks (the HTTP server's own ``/trtc/callback``); without
    it a receiver is served on a loopback port. Tencent Cloud's callbacks are set
    in the TRTC console instead. A ``store``, ``backend`` or ``callbacks`` passed in
    is the caller's to open and close."""
    own_store = store is None
    if store is None:
        store = await Store.open(database_url(settings))
    try:
        async with contextlib.AsyncExitStack() as stack:
            key = callback_key(settings)
            if callbacks is None:
                service = CallbackService(store, key, banlist_key=banlist_key(settings))
                callbacks = await stack.enter_async_context(service)
            if backend is None:
                simulated = settings.trtc_mode is TrtcMode.SIMULATOR
                if simulated and callback_url is None and key is not None:
                    callback_url = await stack.enter_async_context(callbacks.serve(port=0))
                backend = await stack.enter_async_context(
                    open_backend(
                        settings,
                        callback_url=callback_url,
                        callback_key=key,
                        pacer=trtc_pacer(settings, store),
                    )
                )
            core = create_core(
                settings,
                trtc=backend.client,
                store=store,
                policies=policies,
                directory=directory,
                mode=backend.mode,
                clock=clock,
                registry=registry,
                history=history_terms(settings, backend.history),
                sdk_secret=backend.robot_secret,
                people=people,
            )
            callbacks.deliver_to(core)
            yield Bot(settings, core, store, backend, callbacks)
    finally:
        if own_store:
            await store.close()
