"""The daily digest: once at its time however many replicas run, never twice after a
restart, and again the next day; audited as ``system:digest``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime

import pytest

from bot.core.notice import Notice
from bot.settings import Settings
from bot.store import Store
from bot.trtc.usage import beijing_date
from tests.support.harness import bots, open_harness
from tests.usage.conftest import IDLE_ROOM, config

DIGEST = "C0DIGEST"


def _at(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%H:%M")


@pytest.mark.storage
async def test_the_digest_fires_once_with_two_replicas_and_again_the_next_day(
    database_url: str,
) -> None:
    """Two replicas tick at the digest's time: one post. A restart the same day: none. The
    next day: one more. Each post is audited once, as system:digest."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        trtc_chatops_digest_channel=DIGEST,
        trtc_chatops_digest_tz="UTC",
        trtc_chatops_digest_at=_at(time.time() - 60),  # due a minute ago
    )
    async with open_harness(config(), database_url, settings=settings) as first:
        assert first.bot is not None
        backend = first.bot.backend
        other_notices: list[Notice] = []
        async with contextlib.AsyncExitStack() as stack:
            store = await Store.open(database_url)
            stack.push_async_callback(store.close)
            second = await stack.enter_async_context(bots(settings, backend, first.clock)(store))

            async def collect(notice: Notice) -> None:
                other_notices.append(notice)

            second.core.listeners.append(collect)

            def posts() -> list[Notice]:
                return [n for n in [*first.notices, *other_notices] if n.channel == DIGEST]

            await asyncio.gather(first.core.tick(), second.core.tick())
            await asyncio.gather(first.core.tick(), second.core.tick())
            assert len(posts()) == 1
            digest = posts()[0].reply
            assert digest.headline.startswith("Usage digest for")
            assert any(str(IDLE_ROOM) in row for t in digest.tables for row in t.rows)
            assert any(a.label == f"Dismiss {IDLE_ROOM}" for a in digest.actions)

            await first.restart()  # a new process, the same day: the slot is taken
            await asyncio.gather(first.core.tick(), second.core.tick())
            assert len(posts()) == 1

            first.clock.advance(86400)  # the next day, at the same time
            await asyncio.gather(first.core.tick(), second.core.tick())
            await asyncio.gather(first.core.tick(), second.core.tick())
            assert len(posts()) == 2
            records = await first.store.audit.recent(50, actor="system:digest")
            assert len(records) == 2
            assert all(r.outcome == "ok" and r.channel == DIGEST for r in records)


async def test_a_usage_spike_today_is_alerted_once(database_url: str) -> None:
    """Today's minutes so far (the default world's 1,000-user webinar) run far above the
    same hours' median: one alert, checked hourly, posted at most once a day."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, trtc_chatops_digest_channel=DIGEST, trtc_chatops_usage_alert=2.0
    )
    async with open_harness(config(), database_url, settings=settings) as harness:

        def alerts() -> list[Notice]:
            return [n for n in harness.notices if n.channel == DIGEST]

        await harness.core.tick()
        await harness.core.tick()
        assert len(alerts()) == 1
        alert = alerts()[0].reply
        assert alert.headline.startswith("Usage alert:") and "usage --days 7" in alert.lines[0]
        today = beijing_date(harness.clock())
        harness.clock.advance(3600 - harness.clock() % 3600 + 1)  # the next hour's check
        await harness.core.tick()
        if beijing_date(harness.clock()) == today:
            assert len(alerts()) == 1
        records = await harness.store.audit.recent(50, actor="system:digest")
        assert len(records) == len(alerts())
