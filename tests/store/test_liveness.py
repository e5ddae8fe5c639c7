"""Liveness is not work, at the store: the beat has its own connection, a replica's own
work is never an orphan to it, and a delivery's audit slot goes to what actually ran."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import select

from bot.core.auditing import Outcome
from bot.store import AuditRecord, Store
from bot.store.audit import GIVES_WAY
from bot.store.replicas import DEAD_AFTER_S

pytestmark = pytest.mark.storage

KEY = "action:T0:U0ONCALL:1700000000.000001"


def _record(outcome: str, **values: object) -> dict[str, object]:
    return {
        "at": 1.0,
        "actor": "U0ONCALL",
        "channel": "C0",
        "origin": "slack",
        "text": "",
        "outcome": outcome,
        "delivery": KEY,
        **values,
    }


async def _by_delivery(store: Store) -> list[tuple[str, str | None, str | None]]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            select(AuditRecord.outcome, AuditRecord.delivery, AuditRecord.note).order_by(
                AuditRecord.id
            )
        )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


def test_a_refusal_is_what_gives_way() -> None:
    assert Outcome.REFUSED.value in GIVES_WAY and Outcome.SUCCEEDED.value not in GIVES_WAY


async def test_the_true_outcome_takes_the_slot_from_an_earlier_refusal(database_url: str) -> None:
    """A redo refused first, the real run's `succeeded` after: the delivery is known by
    `succeeded` with its RequestId; the refusal stays on the record, naming the delivery."""
    store = await Store.open(database_url)
    try:
        assert await store.audit.record(**_record("refused", note="#1 is already executing."))
        assert await store.audit.record(**_record("succeeded", request_ids=["req-1"]))
        assert not await store.audit.record(**_record("succeeded", request_ids=["req-2"]))
        rows = await _by_delivery(store)
        assert rows == [
            ("refused", None, f"#1 is already executing.; a repeat of Slack delivery {KEY}"),
            ("succeeded", KEY, None),
        ]
        [true] = [r for r in await store.audit.recent(5) if r.delivery == KEY]
        assert true.request_ids == ["req-1"]
    finally:
        await store.close()


async def test_a_later_refusal_is_kept_without_the_slot(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        assert await store.audit.record(**_record("succeeded"))
        assert not await store.audit.record(**_record("refused"))
        assert await _by_delivery(store) == [
            ("succeeded", KEY, None),
            ("refused", None, f"a repeat of Slack delivery {KEY}"),
        ]
    finally:
        await store.close()


async def test_a_replicas_own_deliveries_are_never_its_orphans(database_url: str) -> None:
    """Two replicas on one database, both silent for long: each sees the other's open
    delivery as an orphan, never its own."""
    one, two = await Store.open(database_url), await Store.open(database_url)
    try:
        for store, name in ((one, "r-one"), (two, "r-two")):
            await store.replicas.beat(name, 100.0)
            assert await store.deliveries.claim(f"k-{name}", 100.0, {}, owner=name)
        later = 100.0 + DEAD_AFTER_S + 1
        assert [o.key for o in await one.deliveries.orphans(later, mine="r-one")] == ["k-r-two"]
        assert [o.key for o in await two.deliveries.orphans(later, mine="r-two")] == ["k-r-one"]
    finally:
        await one.close()
        await two.close()


async def test_the_heartbeat_beats_while_the_pool_is_taken(database_url: str) -> None:
    """Every connection of the store's pool is held (slow work): the beat still lands."""
    store = await Store.open(database_url)
    pool = store.engine.pool
    size = pool.size() + store.engine.pool._max_overflow  # type: ignore[attr-defined]
    try:
        async with contextlib.AsyncExitStack() as held:
            for _ in range(size):
                await held.enter_async_context(store.engine.connect())
            async with asyncio.timeout(5):
                await store.replicas.beat("r-busy", 42.0)
        assert await store.replicas.dead(42.0 + DEAD_AFTER_S + 1) == {"r-busy"}
    finally:
        await store.close()
