"""Bans that hold, end to end: a banned user who rejoins (the simulator's join and its signed
103) is removed again within a second, once, with two replicas on one database receiving
the callback; the ban's thread hears of a burst of rejoins in one message; the audit has
each re-removal by ``system:ban``. And ``GET /trtc/banned`` for a customer's ticket server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import Bot
from bot.callbacks import BANNED_PATH, CallbackService, sign_query
from bot.callbacks.banlist import SIGNATURE, TIMESTAMP
from bot.core.bans import TELL_WINDOW_S, Entry
from bot.core.notice import Notice
from bot.core.reply import ActionKind, Severity
from bot.settings import Settings
from bot.store import Store
from bot.store.bans import KEEP_REJOINS_S
from bot.store.tables import BanRejoin
from bot.trtc.simulator.callbacks import Delivery
from tests.callbacks.conftest import APP, KEY, Live
from tests.support.harness import bots

BANLIST_KEY = "ban-list-shared-secret"


async def _ban(live: Live, line: str) -> int:
    h = live.harness
    ask = await h.say("lead", line)
    done = await h.press("lead", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    await h.sim.callbacks_sent()  # the kick's own 104
    return done.operation_id or 0


async def _gone(live: Live, user: str, room: int | str = 1234, within: float = 1.0) -> float:
    """Seconds until ``user`` is out of the room again; fails past ``within``."""
    start = time.monotonic()
    while user in live.harness.present(room):
        assert time.monotonic() - start < within, f"{user} still in room {room} after {within} s"
        await asyncio.sleep(0.005)
    return time.monotonic() - start


def _removals(live: Live) -> int:
    return sum(r.action == "RemoveUser" for r in live.harness.sim.simulator.requests)


@contextlib.asynccontextmanager
async def replica(live: Live, database_url: str) -> AsyncIterator[tuple[Bot, str, list[Notice]]]:
    """A second bot process on the same database, with its own receiver and relay."""
    h = live.harness
    store = await Store.open(database_url)
    service = CallbackService(store, KEY, clock=h.clock, monotonic=live.monotonic)
    notices: list[Notice] = []

    async def collect(notice: Notice) -> None:
        notices.append(notice)

    try:
        async with service, service.serve() as url:
            backend = h.bot.backend if h.bot else None
            assert backend is not None
            opened = bots(Settings(_env_file=None), backend, h.clock, callbacks=service)  # type: ignore[call-arg]
            async with opened(store) as bot:
                bot.core.listeners.append(collect)
                yield bot, url, notices
    finally:
        await store.close()


async def _echo(delivery: Delivery, url: str, http: aiohttp.ClientSession) -> int:
    """The same signed callback, delivered to another replica as well (TRTC retries, a
    load balancer sends it twice)."""
    async with http.post(url, data=delivery.body, headers=delivery.headers) as response:
        return response.status


@pytest.mark.storage
async def test_a_rejoin_is_removed_within_a_second_once_across_two_replicas(
    live: Live, database_url: str
) -> None:
    """Two replicas, one database; the simulator's 103 reaches the first and the same
    callback reaches the second. alice is out again within 1 s, by one RemoveUser; the
    rejoin is claimed once and audited once as system:ban."""
    h = live.harness
    sim = h.sim.simulator
    async with replica(live, database_url) as (other, other_url, _other_notices):
        op_id = await _ban(live, 'ban 1234 alice --reason "abuse"')
        before = _removals(live)
        async with aiohttp.ClientSession() as http:
            sent = len(sim.announcer.sender.deliveries)  # type: ignore[union-attr]
            assert sim.join(APP, 1234, "alice")
            [entry] = list(sim.announcer.sender.deliveries)[sent:]  # type: ignore[union-attr]
            assert entry.event["EventType"] == 103 and entry.headers["Sign"]
            echoed = asyncio.create_task(_echo(entry, other_url, http))
            took = await _gone(live, "alice")
            assert await echoed == 200
        await asyncio.sleep(0.2)  # any second removal would be under way by now
        await live.settle()
        await other.callbacks.settle()
        assert took < 1.0
        assert _removals(live) == before + 1
        [ban] = await h.store.bans.listing(h.clock())
        assert ban.attempts == 1
        [record] = await h.store.audit.recent(10, actor="system:ban")
        assert record.outcome == "succeeded" and record.operation_id == op_id
        assert record.command == "ban" and record.origin == "system"
        assert record.channel == "C0INCIDENT" and record.request_ids
        assert "entered room 1400000001/1234 while banned" in (record.note or "")


@pytest.mark.storage
async def test_two_replicas_handed_the_same_entry_remove_once(
    live: Live, database_url: str
) -> None:
    """Past the callback store's own de-duplication: both cores given the same entry at
    once claim it in the bans table, and one of them removes."""
    h = live.harness
    async with replica(live, database_url) as (other, _url, _notices):
        await _ban(live, "ban 1234 alice")
        assert h.sim.simulator.world.join(APP, 1234, "alice") is not None  # no callback
        before = _removals(live)
        entry = Entry(APP, "1234", True, "alice", "same-event")
        done = await asyncio.gather(h.core.keep_out([entry]), other.core.keep_out([entry]))
        assert sorted(done) == [0, 1]
        assert _removals(live) == before + 1 and "alice" not in h.present(1234)
        assert len(await h.store.audit.recent(10, actor="system:ban")) == 1


async def test_a_burst_of_rejoins_is_told_once_in_the_bans_thread(
    live: Live, database_url: str
) -> None:
    """Three rejoins, each removed; after the window, one notice in the thread where the
    ban was made — however many replicas tick."""
    h = live.harness
    async with replica(live, database_url) as (other, _url, other_notices):
        await _ban(live, "ban 1234 alice --for 1h")
        for _ in range(3):
            assert h.sim.simulator.join(APP, 1234, "alice")
            await _gone(live, "alice")
        await live.settle()
        await asyncio.gather(h.core.tick(), other.core.tick())
        assert [n for n in h.notices + other_notices if "rejoin" in n.reply.headline] == []
        h.clock.advance(TELL_WINDOW_S + 1)
        await asyncio.gather(h.core.tick(), other.core.tick())
        await asyncio.gather(h.core.tick(), other.core.tick())
    told = [n for n in h.notices + other_notices if "rejoin" in n.reply.headline]
    assert len(told) == 1
    [notice] = told
    assert (notice.channel, notice.thread) == ("C0INCIDENT", "1700000000.000100")
    assert notice.reply.headline == "alice tried to rejoin 1234 three times; removed each time"
    assert "3 rejoin attempts so far" in notice.reply.lines[0]
    assert len(await h.store.audit.recent(10, actor="system:ban")) == 3


async def test_a_ban_of_every_room_holds_in_any_room(live: Live) -> None:
    """`ban *`: entering another room of the application is undone as well."""
    h = live.harness
    await _ban(live, "ban * mallory")
    assert h.sim.simulator.join(APP, "standup", "mallory")
    assert await _gone(live, "mallory", "standup") < 1.0


async def test_someone_not_banned_or_after_unban_stays(live: Live) -> None:
    h = live.harness
    await _ban(live, "ban 1234 bob")
    assert (await h.say("lead", "unban 1234 bob")).severity is Severity.SUCCESS
    before = _removals(live)
    assert h.sim.simulator.join(APP, 1234, "bob")
    assert h.sim.simulator.join(APP, 1234, "zed")
    await live.settle()
    await asyncio.sleep(0.1)
    assert {"bob", "zed"} <= h.present(1234) and _removals(live) == before


# -- GET /trtc/banned -------------------------------------------------------------------


async def _ask(
    url: str, query: dict[str, str], *, key: str = BANLIST_KEY, at: float | None = None
) -> tuple[int, dict[str, object]]:
    raw = urlencode(query)
    stamp = str(int(time.time() if at is None else at))
    headers = {TIMESTAMP: stamp, SIGNATURE: sign_query(key, stamp, raw)}
    async with aiohttp.ClientSession() as http, http.get(f"{url}?{raw}", headers=headers) as r:
        body = await r.text()
        return r.status, json.loads(body) if body.startswith("{") else {}


@pytest.mark.storage
async def test_the_ban_list_answers_signed_questions(store: Store) -> None:
    """A good signature gets allowed/banned with the ban's end; a bad key, a stale
    timestamp or a missing signature get 401; a malformed question 400."""
    now = time.time()
    common = {"created_by": "U0LEAD", "channel": "C0INCIDENT", "thread": None, "operation_id": 1}
    await store.bans.add(now=now, sdkappid=APP, room="1234", numeric=True, user_id="alice",
                         until=now + 3600, **common)  # fmt: skip
    await store.bans.add(now=now, sdkappid=APP, room="*", numeric=False, user_id="mallory",
                         until=None, **common)  # fmt: skip
    service = CallbackService(store, KEY, banlist_key=BANLIST_KEY)
    async with service, service.serve() as callback_url:
        url = callback_url.replace("/trtc/callback", BANNED_PATH)
        status, banned = await _ask(url, {"sdkappid": str(APP), "room": "1234", "user": "alice"})
        assert status == 200
        assert banned == {
            "sdkappid": APP,
            "room": "1234",
            "room_type": "numeric",
            "user": "alice",
            "allowed": False,
            "banned": True,
            "until": int(now + 3600),
            "scope": "room",
        }
        status, free = await _ask(url, {"sdkappid": str(APP), "room": "1234", "user": "bob"})
        assert status == 200 and free["allowed"] is True and free["banned"] is False
        status, other = await _ask(
            url, {"sdkappid": str(APP), "room": "1234", "user": "alice", "room_type": "string"}
        )
        assert status == 200 and other["allowed"] is True  # string "1234" is another room
        status, everywhere = await _ask(
            url, {"sdkappid": str(APP), "room": "lobby", "user": "mallory"}
        )
        assert everywhere["banned"] is True and everywhere["scope"] == "application"
        assert everywhere["until"] is None
        question = {"sdkappid": str(APP), "room": "1234", "user": "alice"}
        assert (await _ask(url, question, key="not-the-key"))[0] == 401
        assert (await _ask(url, question, at=time.time() - 600))[0] == 401
        assert (await _ask(url, {"sdkappid": "x", "room": "1", "user": "a"}))[0] == 400
        async with aiohttp.ClientSession() as http, http.get(f"{url}?{urlencode(question)}") as r:
            assert r.status == 401


async def test_the_ban_list_is_off_without_its_key(store: Store) -> None:
    service = CallbackService(store, KEY)
    async with service, service.serve() as callback_url:
        url = callback_url.replace("/trtc/callback", BANNED_PATH)
        status, _ = await _ask(url, {"sdkappid": str(APP), "room": "1234", "user": "alice"})
        assert status == 404


async def test_housekeeping_forgets_the_rejoins_of_a_ban_long_over(live: Live) -> None:
    """The relay's housekeeping prunes ``ban_rejoins`` a day after the ban ended."""
    h = live.harness
    await _ban(live, "ban 1234 troll")
    assert h.sim.simulator.join(APP, 1234, "troll")
    await _gone(live, "troll")
    assert (await h.say("lead", "unban 1234 troll")).severity is Severity.SUCCESS
    await live.service.relay.housekeeping()
    assert await _rejoin_rows(live) == 1  # ended just now: kept
    h.clock.advance(KEEP_REJOINS_S + 60)
    await live.service.relay.housekeeping()
    assert await _rejoin_rows(live) == 0


async def _rejoin_rows(live: Live) -> int:
    async with live.harness.store.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(BanRejoin)) or 0)
