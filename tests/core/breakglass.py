"""A harness with an approvals channel and an escalation usergroup, and a second
replica on the same database (its own store, core and instance id)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.core.dispatcher import Core
from bot.core.notice import Notice
from bot.settings import Settings
from bot.store import Store
from bot.trtc.simulator import SimulatorConfig
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, open_harness

APPROVALS = "C0APPROVALS"
ESCALATE = "S0ESCALATE"


@asynccontextmanager
async def breakglass_harness(database_url: str) -> AsyncIterator[Harness]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=3, rate_limit=None)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        trtc_chatops_approvals_channel=APPROVALS,
        trtc_chatops_escalation_usergroup=ESCALATE,
    )
    async with open_harness(config, database_url, settings=settings) as harness:
        yield harness


@asynccontextmanager
async def second_replica(harness: Harness) -> AsyncIterator[Core]:
    """Another process on the same database: its notices go to the same list."""
    async with contextlib.AsyncExitStack() as stack:
        store = await Store.open(harness.db_url)
        stack.push_async_callback(store.close)
        bot = await stack.enter_async_context(harness.open(store))

        async def collect(notice: Notice) -> None:
            harness.notices.append(notice)

        bot.core.listeners.append(collect)
        yield bot.core


def headlines(harness: Harness, start: str) -> list[Notice]:
    return [n for n in harness.notices if n.reply.headline.startswith(start)]
