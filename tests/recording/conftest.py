"""Recording on real parts: the simulator posts its signed recording callbacks to the
bot's receiver; the bot is the one ``open_bot`` builds, on a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import pytest

from bot.app import Backend
from bot.callbacks import CallbackService
from bot.core.notice import Notice
from bot.core.reply import Action, ActionKind, Reply
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import Scenario, SimulatorConfig, serve_simulator
from bot.trtc.simulator.scenario import RecordingFaults
from tests.support.clock import Clock, Still
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, bots

KEY = "tRtCcallbackKey0123456789abcdef"


@dataclass
class Rec:
    harness: Harness
    service: CallbackService

    async def settle(self) -> None:
        """Every callback the simulator queued is stored, then told by the tick."""
        await self.service.settle(self.harness.sim.callbacks_sent)
        await self.harness.core.tick()

    def notices(self, text: str) -> list[Notice]:
        return [n for n in self.harness.notices if text in n.reply.headline]

    def action(self, reply: Reply, label: str) -> Action:
        return next(a for a in reply.actions if a.label == label)

    def requests(self, action: str) -> list[str]:
        sim = self.harness.sim.simulator
        return [r.request_id or "" for r in sim.requests if r.action == action and not r.error_code]


Opener = Callable[..., AbstractAsyncContextManager[Rec]]


@pytest.fixture
def recording_bot(database_url: str) -> Opener:
    @asynccontextmanager
    async def opened(**faults: bool) -> AsyncIterator[Rec]:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        clock = Clock()
        store = await Store.open(database_url)
        service = CallbackService(store, KEY, clock=clock, monotonic=Still())
        try:
            async with service, service.serve() as url:
                config = SimulatorConfig(
                    secret_id=SECRET_ID,
                    secret_key=SECRET_KEY,
                    seed=3,
                    rate_limit=None,
                    callback_url=url,
                    callback_key=KEY,
                    scenario=Scenario(recording=RecordingFaults(**faults)),
                )
                async with (
                    serve_simulator(config) as sim,
                    TrtcClient.create(
                        secret_id=SECRET_ID,
                        secret_key=SECRET_KEY,
                        endpoint=sim.url,
                        rate_limit=None,
                    ) as client,
                ):
                    backend = Backend(client, TrtcMode.SIMULATOR, sim.url, sim)
                    harness = Harness(
                        sim,
                        clock,
                        [],
                        database_url,
                        bots(settings, backend, clock, callbacks=service),
                    )
                    await harness.start()
                    try:
                        yield Rec(harness, service)
                    finally:
                        await harness.stop()
        finally:
            await store.close()

    return opened


__all__ = ["KEY", "ActionKind", "Opener", "Rec"]
