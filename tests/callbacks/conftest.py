"""The callback feed on real parts: a receiver on 127.0.0.1, SQLite, the simulator, the core.

``rig`` is the receiver, relay and feed alone (callbacks are posted by the
test, signed as TRTC signs them); ``live`` adds the simulator — posting its own
callbacks to that receiver — and the core, as the console wires them. The
feed's monotonic clock stands still, so nothing is sent until a test calls
``settle()``: notice counts are exact, not timing-dependent.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from bot.app import Backend
from bot.callbacks import CallbackService, sign
from bot.core.notice import Notice
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.store.callbacks import Counts
from bot.store.tables import Watch
from bot.store.watches import Place
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import SimulatorConfig, serve_simulator
from tests.support.clock import Clock, Still
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import CHANNEL, THREAD, Harness, bots

KEY = "tRtCcallbackKey0123456789abcdef"  # letters and digits, at most 32, as TRTC allows
APP = 1400000001
PLACE = Place(CHANNEL, THREAD)
AUTO = "auto"  # sign the body with KEY


def body(
    event_type: int,
    user: str | None = "alice",
    *,
    room: int | str = 1234,
    callback_ms: int | None = None,
    event_ms: int | None = None,
    pretty: bool = True,
    **info: Any,
) -> bytes:
    """A TRTC callback body; ``pretty`` lays it out with tabs as TRTC's samples do."""
    now_ms = int(time.time() * 1000)
    event_info: dict[str, Any] = {"RoomId": room, "EventTs": (event_ms or now_ms) // 1000}
    event_info["EventMsTs"] = event_ms or now_ms
    if user is not None:
        event_info["UserId"] = user
    event_info.update(info)
    data = {
        "EventGroupId": event_type // 100,
        "EventType": event_type,
        "CallbackTs": callback_ms if callback_ms is not None else now_ms,
        "EventInfo": event_info,
    }
    if pretty:
        return json.dumps(data, indent="\t", separators=(",", ":\t")).encode()
    return json.dumps(data).encode()


@dataclass
class Rig:
    service: CallbackService
    url: str
    http: aiohttp.ClientSession
    store: Store
    notices: list[Notice]
    monotonic: Still
    answers: list[int] = field(default_factory=list)

    async def post(
        self,
        data: bytes,
        *,
        signature: str | None = AUTO,
        sdkappid: str | None = str(APP),
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if signature is not None:
            sent["Sign"] = sign(data, KEY) if signature == AUTO else signature
        if sdkappid is not None:
            sent["SdkAppId"] = sdkappid
        async with self.http.post(self.url, data=data, headers=sent) as response:
            answer = await response.json(content_type=None)
            self.answers.append(response.status)
            return response.status, answer

    async def watch(
        self, room: str = "1234", *, numeric: bool = True, place: Place = PLACE
    ) -> Watch:
        watch, _ = await self.store.watches.start(
            sdkappid=APP, room=room, numeric=numeric, place=place, by="U0ONCALL", now=time.time()
        )
        return watch

    async def settle(self) -> list[Notice]:
        await self.service.settle()
        return self.notices

    async def counts(self) -> Counts:
        return await self.store.callbacks.counts()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """SQLite; storage tests also PostgreSQL (tests/conftest.py)."""
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def rig(store: Store) -> AsyncIterator[Rig]:
    notices: list[Notice] = []

    async def notify(notice: Notice) -> None:
        notices.append(notice)

    monotonic = Still()
    service = CallbackService(store, KEY, notify, monotonic=monotonic)
    async with aiohttp.ClientSession() as http, service, service.serve() as url:
        yield Rig(service, url, http, store, notices, monotonic)


@dataclass
class Live:
    """The core, the simulator and the feed wired as the console wires them."""

    harness: Harness
    service: CallbackService
    monotonic: Still

    async def settle(self) -> list[Notice]:
        await self.service.settle(self.harness.sim.callbacks_sent)
        return self.harness.notices


@pytest.fixture
async def live(database_url: str) -> AsyncIterator[Live]:
    """The bot from ``open_bot`` whose feed is this test's (clocks it moves), fed by an
    embedded simulator that sends its callbacks to that feed's receiver."""
    settings = Settings(_env_file=None)
    clock, monotonic = Clock(), Still()
    store = await Store.open(database_url)
    service = CallbackService(store, KEY, clock=clock, monotonic=monotonic)
    try:
        async with service, service.serve() as url:
            config = SimulatorConfig(
                secret_id=SECRET_ID,
                secret_key=SECRET_KEY,
                seed=3,
                rate_limit=None,
                callback_url=url,
                callback_key=KEY,
            )
            async with (
                serve_simulator(config) as sim,
                TrtcClient.create(
                    secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
                ) as client,
            ):
                backend = Backend(client, TrtcMode.SIMULATOR, sim.url, sim)
                opened = bots(settings, backend, clock, callbacks=service)
                harness = Harness(sim, clock, [], database_url, opened)
                await harness.start()
                try:
                    yield Live(harness, service, monotonic)
                finally:
                    await harness.stop()
    finally:
        await store.close()
