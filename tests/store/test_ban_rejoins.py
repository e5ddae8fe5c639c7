"""A rejoin's row is the claim against a redelivered callback; once its ban has been over
for a day (or the row is a day old and told) it has done its job and is pruned."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.store import Store
from bot.store.bans import KEEP_REJOINS_S
from bot.store.tables import Ban, BanRejoin

pytestmark = pytest.mark.storage

APP = 1400000001
DAY = KEEP_REJOINS_S


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def _ban(store: Store, user: str, now: float) -> Ban:
    ban, _ = await store.bans.add(
        now=now, sdkappid=APP, room="1234", numeric=True, user_id=user,
        until=None, created_by="lead", channel="C0INCIDENT",
    )  # fmt: skip
    return ban


async def _rejoin(store: Store, ban: Ban, key: str, at: float, told: bool = False) -> None:
    row = await store.bans.take_rejoin(ban, key, "1234", True, at)
    assert row is not None
    await store.bans.settle_rejoin(row.id, "succeeded", "req")
    if told:
        assert await store.bans.untold(at + 10)


async def _kept(store: Store) -> dict[str, int]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            select(BanRejoin.event_key, func.count()).group_by(BanRejoin.event_key)
        )
        return {key: count for key, count in rows.all()}


async def test_rejoins_go_a_day_after_their_ban_ended_and_not_before(store: Store) -> None:
    t = 1_000_000.0
    over = await _ban(store, "troll", t)
    active = await _ban(store, "mallory", t)
    await _rejoin(store, over, "over-1", t + 1)
    await _rejoin(store, active, "active-untold", t + 2)
    await store.bans.end([over.id], "unbanned", "lead", t + 100)
    assert await store.bans.prune(t + 100 + DAY - 1) == 0  # ended less than a day ago
    assert await _kept(store) == {"over-1": 1, "active-untold": 1}
    assert await store.bans.prune(t + 100 + DAY + 1) == 1
    assert await _kept(store) == {"active-untold": 1}  # its ban is in force, not yet told


async def test_a_told_rejoin_of_a_ban_in_force_goes_after_a_day(store: Store) -> None:
    """A ban for good would otherwise keep a row for every rejoin for ever; its count stays."""
    t = 2_000_000.0
    forever = await _ban(store, "troll", t)
    await _rejoin(store, forever, "old", t, told=True)
    await _rejoin(store, forever, "new", t + DAY, told=True)
    assert await store.bans.prune(t + DAY + 10) == 1
    assert await _kept(store) == {"new": 1}
    ban = await store.bans.get(forever.id)
    assert ban is not None and ban.attempts == 2
    # The claim still holds while its row is kept: the same event is not taken twice.
    assert await store.bans.take_rejoin(forever, "new", "1234", True, t + DAY + 11) is None
