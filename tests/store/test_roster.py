"""The roster's rows: a newer event always wins whatever order events arrive in, a new
call or a dismissal empties the room, and ended rooms are forgotten after a while."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Store
from bot.store.roster import KEEP_ENDED_S, KEEP_S, Move, MoveKind

pytestmark = pytest.mark.storage

APP = 1400000001


def move(kind: MoveKind, at_ms: int, user: str | None = None, room: str = "1234") -> Move:
    return Move(kind, APP, room, True, at_ms, user_id=user)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def present(store: Store, room: str = "1234") -> list[str]:
    found = await store.roster.room(APP, room, True)
    assert found is not None
    return sorted(u.user_id for u in found.present)


async def test_an_older_event_never_undoes_a_newer_one(store: Store) -> None:
    """alice leaves at t=3 and the enter of t=2 arrives after (a retry): she stays out;
    repeats change nothing; the roster is not complete without a 101 or 102."""
    await store.roster.apply([move(MoveKind.ENTER, 1000, "alice")], now=1.0)
    await store.roster.apply([move(MoveKind.EXIT, 3000, "alice")], now=2.0)
    await store.roster.apply(
        [move(MoveKind.ENTER, 2000, "alice"), move(MoveKind.ENTER, 2500, "bob")], now=3.0
    )
    await store.roster.apply([move(MoveKind.ENTER, 2500, "bob")], now=4.0)  # a repeat
    assert await present(store) == ["bob"]
    found = await store.roster.room(APP, "1234", True)
    assert found is not None and not found.complete
    assert (found.room.first_ms, found.room.last_ms) == (1000, 3000)


async def test_a_new_call_and_a_dismissal_empty_the_room(store: Store) -> None:
    """A 101 at t=5 means anyone whose last event is older left (their exit was lost); a
    102 ends the call for everyone in it; who enters after a 102 is in a new call."""
    await store.roster.apply([move(MoveKind.ENTER, 1000, "ghost")], now=1.0)
    await store.roster.apply(
        [move(MoveKind.CREATE, 5000), move(MoveKind.ENTER, 5001, "alice")], now=2.0
    )
    assert await present(store) == ["alice"]
    found = await store.roster.room(APP, "1234", True)
    assert found is not None and found.complete and found.live
    await store.roster.apply([move(MoveKind.DISMISS, 9000)], now=3.0)
    found = await store.roster.room(APP, "1234", True)
    assert found is not None and found.complete and not found.live and not found.present
    await store.roster.apply([move(MoveKind.ENTER, 9500, "bob")], now=4.0)
    assert await present(store) == ["bob"]


async def test_ended_rooms_and_silent_rooms_are_pruned(store: Store) -> None:
    """An ended room goes an hour after its last event, a silent live one after a day;
    a live room with recent events stays."""
    await store.roster.apply(
        [move(MoveKind.CREATE, 1, room="1"), move(MoveKind.DISMISS, 2, room="1")], now=0.0
    )
    await store.roster.apply([move(MoveKind.ENTER, 1, "a", room="2")], now=0.0)
    await store.roster.apply([move(MoveKind.ENTER, 1, "b", room="3")], now=KEEP_S - 10)
    await store.roster.prune(KEEP_ENDED_S + 1)
    assert await store.roster.room(APP, "1", True) is None
    assert await store.roster.room(APP, "2", True) is not None
    await store.roster.prune(KEEP_S + 1)
    assert await store.roster.room(APP, "2", True) is None
    assert await present(store, "3") == ["b"]
