"""The live roster: who is in a room from TRTC's room events, used by `users`, previews and
kick results, with TRTC's history as the fallback; replies say which source answered."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from bot.app import Backend
from bot.callbacks import CallbackService, sign
from bot.core.reply import ActionKind, Reply, Severity
from bot.core.rooms import live_call, users_of
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import SimulatorConfig, serve_simulator
from tests.callbacks.conftest import APP, KEY, body
from tests.core.test_pipeline import text
from tests.support.clock import Clock, Still
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, bots

LAG_S = 60


@dataclass
class Lagging:
    """The bot and an embedded simulator whose history lags a minute behind; the
    simulator's own callbacks, and the test's, reach the bot's receiver signed."""

    harness: Harness
    service: CallbackService
    url: str
    http: aiohttp.ClientSession

    async def post(self, event_type: int, user: str | None = None, **kw: object) -> None:
        data = body(event_type, user, **kw)  # type: ignore[arg-type]
        headers = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
        async with self.http.post(self.url, data=data, headers=headers) as response:
            assert response.status == 200, await response.text()

    async def settle(self) -> None:
        await self.service.settle(self.harness.sim.callbacks_sent)

    def history_reads(self) -> list[str]:
        return [
            r.action
            for r in self.harness.sim.simulator.requests
            if r.action in ("DescribeRoomInfo", "DescribeUserInfo")
        ]


@pytest.fixture
async def lagging(database_url: str) -> AsyncIterator[Lagging]:
    settings = Settings(_env_file=None, trtc_chatops_history_lag_s=LAG_S)  # type: ignore[call-arg]
    clock = Clock()
    store = await Store.open(database_url)
    service = CallbackService(store, KEY, clock=clock, monotonic=Still())
    try:
        async with service, service.serve() as url, aiohttp.ClientSession() as http:
            config = SimulatorConfig(
                secret_id=SECRET_ID,
                secret_key=SECRET_KEY,
                seed=3,
                rate_limit=None,
                callback_url=url,
                callback_key=KEY,
                history_lag_s=LAG_S,
            )
            async with (
                serve_simulator(config) as sim,
                TrtcClient.create(
                    secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
                ) as client,
            ):
                backend = Backend(client, TrtcMode.SIMULATOR, sim.url, sim)
                harness = Harness(sim, clock, [], database_url, bots(settings, backend, clock))
                await harness.start()
                try:
                    yield Lagging(harness, service, url, http)
                finally:
                    await harness.stop()
    finally:
        await store.close()


def _users(reply: Reply) -> list[str]:
    return [row[0] for row in reply.tables[0].rows] if reply.tables else []


async def _kick(h: Harness, line: str) -> Reply:
    ask = await h.say("oncall", line)
    done = await h.press("oncall", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    return done


async def _history_still_shows(lagging: Lagging, user: str) -> bool:
    """What TRTC's history says now (a minute behind), asked directly."""
    h = lagging.harness
    ref = h.core.services.grammar.parse("users 1234").args.room
    call = await live_call(h.core.services.trtc, ref, time.time())
    assert call is not None
    found = await users_of(h.core.services.trtc, ref, call, time.time())
    return any(u.user_id == user and not u.finished for u in found)


async def test_users_right_after_a_kick_answers_from_events_while_history_lags(
    lagging: Lagging,
) -> None:
    """Kick alice from a room the bot had no events for: the simulator's signed 104 reaches
    the roster, so `users` at once leaves alice out — though TRTC's history, a minute behind,
    still lists her — and says it is history corrected by live events; the next preview
    refuses: she is not in the room."""
    h = lagging.harness
    before = await h.say("oncall", "users 1234")
    assert "alice" in _users(before)
    assert "From TRTC history, up to 60 s behind (no TRTC event of this room seen)." in (
        before.lines
    )
    await _kick(h, "kick 1234 alice")
    await lagging.settle()
    assert await _history_still_shows(lagging, "alice")
    after = await h.say("oncall", "users 1234")
    assert "alice" not in _users(after)
    assert set(_users(after)) == set(_users(before)) - {"alice"}
    [note] = [line for line in after.lines if line.startswith("From TRTC history")]
    assert note.startswith("From TRTC history, up to 60 s behind, corrected by live TRTC events")
    assert not any("may not show yet" in line for line in after.lines)
    again = await h.say("oncall", "kick 1234 alice")
    assert "alice is not in room 1400000001/1234 now: nobody to remove." in text(again)


async def test_a_roster_that_saw_the_call_begin_answers_alone(lagging: Lagging) -> None:
    """Once the roster has seen the room created (101) and everyone enter, `users` asks TRTC
    nothing: right after a kick it says "live, from TRTC events"; a kick of someone absent
    says they were not in the room; a dismissal (102) makes the room not live."""
    h = lagging.harness
    earlier = int(time.time() * 1000) - 5000  # the simulator's own events are whole seconds
    await lagging.post(101, room=1234, event_ms=earlier)
    for user in sorted(h.present(1234)):
        await lagging.post(103, user, room=1234, event_ms=earlier + 1, TerminalType=2)
    reads = len(lagging.history_reads())
    listed = await h.say("oncall", "users 1234")
    assert set(_users(listed)) == h.present(1234)
    assert any(line.startswith("Live, from TRTC events") for line in listed.lines)
    assert listed.tables[0].rows[0][2] == "Android"
    done = await _kick(h, "kick 1234 alice zed")
    assert done.headline.startswith("Removed alice from room")
    assert any(line.startswith("zed was not in the room. Live, from TRTC") for line in done.lines)
    await lagging.settle()
    after = await h.say("oncall", "users 1234")
    assert "alice" not in _users(after) and set(_users(after)) == h.present(1234)
    assert any(line.startswith("Live, from TRTC events") for line in after.lines)
    assert len(lagging.history_reads()) == reads  # none of these asked TRTC's history
    assert await _history_still_shows(lagging, "alice")
    reads += 2  # that look
    await lagging.post(102, None, room="1234")
    ended = await h.say("oncall", "users 1234")
    assert ended.severity is Severity.INFO
    assert "is not live: its last call ended at" in ended.headline  # as the events said
    assert len(lagging.history_reads()) == reads


async def test_events_from_before_the_call_leave_history_in_charge(lagging: Lagging) -> None:
    """Events older than the room's current call (an earlier call's exit) do not count:
    history answers, and says no event of this call was seen."""
    h = lagging.harness
    await lagging.post(104, "alice", room=1234, event_ms=1_000_000_000_000, Reason=1)
    reply = await h.say("oncall", "users 1234")
    assert "alice" in _users(reply)
    assert "From TRTC history, up to 60 s behind (no TRTC event this call)." in reply.lines
