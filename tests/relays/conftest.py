"""A bot on the air: the embedded simulator with CDN relays already pushing when the bot
starts (it learns of them only from the signed Relay-to-CDN callbacks), one relay that
refuses to stop, and the callback feed wired as the console wires it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import Backend
from bot.callbacks import CallbackService
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import SimulatorConfig, parse_scenario, serve_simulator
from tests.support.clock import Clock, Still
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, bots

KEY = "rElAyCallbackKey0123456789abcdef"
SDK_SECRET = "test-sdk-secret-0123456789abcdef"
# Every secret the scenario's URLs carry; none may ever appear in a reply, log or audit.
SECRETS = ("SECRETKEY1234", "SECRETTOKEN", "SECRETKEYA", "SECRETKEYB", "SECRETSIGN", "pAsSwOrD")
WEBINAR_URL = "rtmp://live.example.com/live/SECRETKEY1234?txSecret=SECRETTOKEN&txTime=65A0B0C0"
SCENARIO = {
    "relays": [
        {"room": 1234, "url": WEBINAR_URL, "started_minutes_ago": 7},
        {"room": "standup", "url": "rtmp://cdn-a.example.com/live/SECRETKEYA"},
        {
            "room": "standup",
            "url": "rtmp://viewer:pAsSwOrD@cdn-b.example.com/live/SECRETKEYB?sign=SECRETSIGN",
            "stop_error": "AuthFailure.UnauthorizedOperation",
        },
    ],
}


@dataclass
class OnAir:
    harness: Harness
    service: CallbackService

    async def settle(self) -> None:
        await self.service.settle(self.harness.sim.callbacks_sent)


@pytest.fixture
async def onair(database_url: str) -> AsyncIterator[OnAir]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    clock = Clock()
    store = await Store.open(database_url)
    service = CallbackService(store, KEY, clock=clock, monotonic=Still())
    try:
        async with service, service.serve() as url:
            config = SimulatorConfig(
                secret_id=SECRET_ID,
                secret_key=SECRET_KEY,
                seed=5,
                rate_limit=None,
                callback_url=url,
                callback_key=KEY,
                scenario=parse_scenario(SCENARIO),
                sdk_secret=SDK_SECRET,
                clock=time.time,
            )
            async with (
                serve_simulator(config) as sim,
                TrtcClient.create(
                    secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
                ) as client,
            ):
                backend = Backend(client, TrtcMode.SIMULATOR, sim.url, sim)
                harness = Harness(
                    sim, clock, [], database_url, bots(settings, backend, clock, callbacks=service)
                )
                await harness.start()
                try:
                    on_air = OnAir(harness, service)
                    await on_air.settle()  # the scenario's relays, as TRTC reported them
                    yield on_air
                finally:
                    await harness.stop()
    finally:
        await store.close()
