"""The relays table: starts, callbacks in and out of order, stops (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Store
from bot.store.relays import INGEST, RELAY
from bot.trtc.rooms import RoomRef

pytestmark = pytest.mark.storage

ROOM = RoomRef(1400000001, "1234", True)
URL = "rtmp://live.example.com/live/***"


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def _heard(store: Store, state: str, ms: int, task: str = "T1") -> bool:
    return await store.relays.heard(
        room=ROOM, task_id=task, url=URL, robot="r", state=state, event=state, event_ms=ms, now=1.0
    )


async def test_a_relay_heard_mid_flight_is_known_since_then(store: Store) -> None:
    assert await _heard(store, "on air", 2000)
    [row] = await store.relays.live(ROOM, RELAY)
    assert (row.task_id, row.state, row.seen_start, row.started_by) == ("T1", "on air", False, None)
    assert await _heard(store, "connecting", 1000, task="T2")
    assert [r.seen_start for r in await store.relays.live(ROOM, RELAY)] == [False, True]


async def test_an_older_callback_changes_nothing(store: Store) -> None:
    await _heard(store, "stopping", 3000)
    assert not await _heard(store, "on air", 2000)  # late, out of order
    assert await _heard(store, "stopped", 4000)
    assert await store.relays.live(ROOM, RELAY) == []
    [row] = await store.relays.task(RELAY, "T1")
    assert row.state == "stopped"


async def test_a_stop_is_not_undone_by_a_late_callback(store: Store) -> None:
    await store.relays.started(
        kind=RELAY, room=ROOM, task_id="T9", url=URL, robot="r", by="U1", state="starting", now=5.0
    )
    await store.relays.mark(RELAY, "T9", state="stopped", event="taken off air", now=10.0)
    assert not await _heard(store, "on air", 6000, task="T9")
    assert await store.relays.live(ROOM, RELAY) == []


async def test_ingests_and_relays_are_kept_apart(store: Store) -> None:
    await store.relays.started(
        kind=INGEST, room=ROOM, task_id="I1", url=URL, robot="b", by="U1", state="running", now=1.0
    )
    assert await store.relays.live(ROOM, RELAY) == []
    [row] = await store.relays.live(ROOM, INGEST)
    assert row.started_by == "U1" and row.seen_start
