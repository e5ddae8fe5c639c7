"""The composition root: everything the bot is made of, wired once.

Every collaborator can be passed in, so tests hand in real local servers
(the simulator, a temporary database) instead of patching anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from bot.core.context import Directory, Policies, Services
from bot.core.dispatcher import Core
from bot.core.grammar import Grammar
from bot.core.spec import CommandSpec
from bot.settings import Settings
from bot.store import Store
from bot.trtc.client import TrtcClient

log = logging.getLogger(__name__)

# The simulator's default application, used when none is configured.
SIMULATOR_APP = 1400000001


def create_core(
    settings: Settings,
    *,
    trtc: TrtcClient,
    store: Store,
    policies: Callable[[], Policies],
    directory: Directory,
    clock: Callable[[], float] = time.time,
    label: str | None = None,
    registry: Sequence[CommandSpec] | None = None,
) -> Core:
    if registry is None:
        from commands import REGISTRY

        registry = REGISTRY
    default_app = settings.trtc_sdk_app_id
    if default_app is None and label == "SIMULATOR":
        default_app = SIMULATOR_APP
    services = Services(
        trtc=trtc,
        store=store,
        policies=policies,
        directory=directory,
        grammar=Grammar(registry, apps=settings.trtc_chatops_apps, default_app=default_app),
        registry=registry,
        clock=clock,
        label=label,
        confirm_ttl_s=settings.trtc_chatops_confirm_ttl_s,
        approval_ttl_s=settings.trtc_chatops_approval_ttl_s,
        watch_ttl_s=settings.trtc_chatops_watch_ttl_s,
    )
    return Core(services)


async def tick_forever(core: Core, interval: float = 1.0) -> None:
    """Expiry and timed mutes; a failing tick is logged and the next one tries again."""
    while True:
        try:
            await core.tick()
        except Exception:
            log.exception("background tick failed")
        await asyncio.sleep(interval)


@asynccontextmanager
async def background(core: Core, interval: float = 1.0) -> AsyncIterator[Core]:
    task = asyncio.create_task(tick_forever(core, interval), name="trtc-chatops-tick")
    try:
        yield core
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        try:  # a clean stop: other replicas may take over what is left at once
            await core.services.store.replicas.leave(core.services.instance)
        except Exception:
            log.exception("could not sign off from the replicas table")
