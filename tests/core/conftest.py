"""A core wired to real parts: the simulator, a SQLite file, the sample policy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from bot.app import create_core
from bot.authz import PolicyReloader
from bot.console.personas import PERSONAS, sample_policy_path
from bot.core.context import StaticDirectory
from bot.core.dispatcher import Core
from bot.core.invocation import Invocation, Origin, Press
from bot.core.notice import Notice
from bot.core.reply import ActionKind, Reply
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from tests.support.clock import Clock
from tests.support.credentials import SECRET_ID, SECRET_KEY

CHANNEL = "C0INCIDENT"
THREAD = "1700000000.000100"


@dataclass
class Harness:
    core: Core
    sim: RunningSimulator
    store: Store
    clock: Clock
    notices: list[Notice]
    make_core: Callable[[Store], Core]
    db_url: str

    async def restart(self) -> None:
        """A new process: a fresh connection to the same database and a new core."""
        await self.store.close()
        self.store = await Store.open(self.db_url)
        self.core = self.make_core(self.store)

    async def say(self, persona: str, text: str, channel: str = CHANNEL) -> Reply:
        p = PERSONAS[persona]
        return await self.core.handle(
            Invocation(
                actor=p.user_id,
                channel=channel,
                text=text,
                origin=Origin.CONSOLE,
                usergroups=p.groups,
                thread=THREAD,
            )
        )

    async def press(
        self, persona: str, reply: Reply, kind: ActionKind, channel: str = CHANNEL
    ) -> Reply:
        action = next(a for a in reply.actions if a.kind is kind)
        p = PERSONAS[persona]
        return await self.core.press(
            Press(
                actor=p.user_id,
                channel=channel,
                action_id=action.id,
                usergroups=p.groups,
                thread=THREAD,
            )
        )

    def mutations(self) -> list[str]:
        """Actions that change TRTC state, as the simulator received them."""
        reads = ("Describe",)
        return [r.action for r in self.sim.simulator.requests if not r.action.startswith(reads)]

    def present(self, room: int | str) -> set[str]:
        found = self.sim.simulator.world.room(1400000001, room)
        assert found is not None
        return set(found.present_user_ids())


@asynccontextmanager
async def open_harness(
    config: SimulatorConfig,
    database_url: str,
    *,
    settings: Settings | None = None,
    rate_limit: float | None = None,
) -> AsyncIterator[Harness]:
    """The simulator, a client, the database and a core on the sample policy."""
    clock = Clock()
    settings = settings or Settings(_env_file=None)  # type: ignore[call-arg]
    reloader = PolicyReloader(sample_policy_path())
    directory = StaticDirectory({p.user_id: p.groups for p in PERSONAS.values()})
    notices: list[Notice] = []
    async with serve_simulator(config, host="127.0.0.1", port=0) as sim:
        client = TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=rate_limit
        )
        store = await Store.open(database_url)

        def make_core(store: Store) -> Core:
            core = create_core(
                settings,
                trtc=client,
                store=store,
                policies=lambda: reloader.current,
                directory=directory,
                clock=clock,
                mode=TrtcMode.SIMULATOR,
            )
            core.listeners.append(_collect(notices))
            return core

        harness = Harness(make_core(store), sim, store, clock, notices, make_core, database_url)
        try:
            yield harness
        finally:
            await client.close()
            await harness.store.close()


@pytest.fixture
async def harness(database_url: str) -> AsyncIterator[Harness]:
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=3, rate_limit=None)
    settings = Settings(_env_file=None, trtc_chatops_apps={"staging": 1400000002})  # type: ignore[call-arg]
    async with open_harness(config, database_url, settings=settings) as harness:
        yield harness


def _collect(notices: list[Notice]) -> Callable[[Notice], object]:
    async def listener(notice: Notice) -> None:
        notices.append(notice)

    return listener
