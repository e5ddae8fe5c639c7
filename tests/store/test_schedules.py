"""Scheduled work is claimed once per slot, across connections; a dead runner's run is
taken over by one replica, never by the runner itself."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import Store
from bot.store.schedules import RunState

pytestmark = pytest.mark.storage


async def test_one_claim_per_slot_wins(database_url: str) -> None:
    """Ten concurrent claims of one slot from two stores: exactly one wins; the next slot
    is a fresh claim."""
    a, b = await Store.open(database_url), await Store.open(database_url)
    try:
        wins = await asyncio.gather(
            *(
                s.schedules.claim("digest", "2026-12-07", 1.0, f"r{i}")
                for i, s in enumerate([a, b] * 5)
            )
        )
        assert sum(wins) == 1
        assert await a.schedules.claim("digest", "2026-12-08", 2.0, "r0")
        await a.schedules.finish("digest", "2026-12-07", RunState.DONE, 3.0, "posted")
        run = await b.schedules.get("digest", "2026-12-07")
        assert run is not None and run.state == "done" and run.runner is None
    finally:
        await a.close()
        await b.close()


async def test_a_dead_runners_run_is_taken_over_once(database_url: str) -> None:
    """A run whose replica stopped beating is an orphan for others, not for itself."""
    store = await Store.open(database_url)
    try:
        await store.replicas.beat("dead", 100.0)
        assert await store.schedules.claim("digest", "2026-12-07", 100.0, "dead")
        now = 200.0
        assert await store.schedules.orphans(now, mine="dead") == []
        (orphan,) = await store.schedules.orphans(now, mine="alive")
        taken = await asyncio.gather(
            store.schedules.take_over(orphan, "alive"), store.schedules.take_over(orphan, "other")
        )
        assert sorted(taken) == [False, True]
    finally:
        await store.close()
