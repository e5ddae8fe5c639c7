"""Group commit: a burst of claims shares a few transactions, each claim gets its answer."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import Store
from bot.store.batching import GroupCommit

pytestmark = pytest.mark.storage


async def test_a_burst_shares_writes_and_each_gets_its_result() -> None:
    """200 submissions at once: written together, once the burst is in."""
    batches: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0.01)  # a transaction's round trip
        return [i * 2 for i in items]

    group = GroupCommit(write)
    results = await asyncio.gather(*(group.submit(i) for i in range(200)))
    assert results == [i * 2 for i in range(200)]
    assert len(batches) == 1 and sorted(i for b in batches for i in b) == list(range(200))


async def test_a_failed_write_fails_its_batch_only() -> None:
    calls = 0
    writing = asyncio.Event()

    async def write(items: list[str]) -> list[str]:
        nonlocal calls
        calls += 1
        writing.set()
        await asyncio.sleep(0)
        if calls == 1:
            raise OSError("database went away")
        return items

    group = GroupCommit(write)
    first = asyncio.ensure_future(group.submit("a"))
    await writing.wait()  # "a" is being written; "b" waits for the next batch
    second = asyncio.ensure_future(group.submit("b"))
    with pytest.raises(OSError, match="went away"):
        await first
    assert await second == "b"


async def test_concurrent_claims_of_one_key_have_one_winner(database_url: str) -> None:
    """The same delivery claimed many times at once (one batch or several): one True."""
    store = await Store.open(database_url)
    try:
        deliveries = store.deliveries
        keys = ["event:Ev1"] * 20 + [f"event:Ev{n}" for n in range(2, 30)]
        won = await asyncio.gather(
            *(deliveries.claim(k, 1.0, {"n": 1}, owner="r-test") for k in keys)
        )
        assert sum(won[:20]) == 1 and all(won[20:])
        again = await deliveries.claim("event:Ev1", 2.0, {}, owner="r-test")
        assert again is False
    finally:
        await store.close()
