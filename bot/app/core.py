"""The core, wired from the configuration: services, grammar, registry.

Every collaborator can be passed in, so tests hand in real local servers
(the simulator, a temporary database) instead of patching anything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from bot.core.context import Directory, Policies, Services
from bot.core.dispatcher import Core
from bot.core.grammar import Grammar
from bot.core.spec import CommandSpec
from bot.loops import every, running
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from commands import REGISTRY

log = logging.getLogger(__name__)

# The simulator's default application, used when none is configured.
SIMULATOR_APP = 1400000001
TICK_S = 1.0


def create_core(
    settings: Settings,
    *,
    trtc: TrtcClient,
    store: Store,
    policies: Callable[[], Policies],
    directory: Directory,
    mode: TrtcMode,
    clock: Callable[[], float] = time.time,
    registry: Sequence[CommandSpec] = REGISTRY,
) -> Core:
    default_app = settings.trtc_sdk_app_id
    if default_app is None and mode is TrtcMode.SIMULATOR:
        default_app = SIMULATOR_APP
    services = Services(
        trtc=trtc,
        store=store,
        policies=policies,
        directory=directory,
        grammar=Grammar(
            registry, apps=settings.trtc_chatops_apps, default_app=default_app, site=settings.site
        ),
        registry=registry,
        clock=clock,
        mode=mode,
        confirm_ttl_s=settings.trtc_chatops_confirm_ttl_s,
        approval_ttl_s=settings.trtc_chatops_approval_ttl_s,
        watch_ttl_s=settings.trtc_chatops_watch_ttl_s,
    )
    return Core(services)


@asynccontextmanager
async def background(core: Core, interval: float = TICK_S) -> AsyncIterator[Core]:
    """The core's tick (heartbeat, expiry, recovery, timed mutes) for as long as the block runs;
    on the way out this replica signs off, so others take over what is left at once."""
    try:
        async with running(every(interval, core.tick, "tick"), "trtc-chatops-tick"):
            yield core
    finally:
        try:
            await core.services.store.replicas.leave(core.services.instance)
        except Exception:
            log.exception("could not sign off from the replicas table")
