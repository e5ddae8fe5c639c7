"""A core built by the composition root on real parts: the simulator, a database,
the sample policy, the personas' usergroups. ``restart`` is a second process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.app import Backend, Bot, open_bot
from bot.authz import PolicyReloader
from bot.callbacks import CallbackService
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
    """What a test drives: ``core`` (changes on restart), the simulator, the store."""

    sim: RunningSimulator
    clock: Clock
    notices: list[Notice]
    db_url: str
    open: Callable[[Store], contextlib.AbstractAsyncContextManager[Bot]]
    bot: Bot | None = None
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def core(self) -> Core:
        assert self.bot is not None
        return self.bot.core

    @property
    def store(self) -> Store:
        assert self.bot is not None
        return self.bot.store

    async def start(self) -> None:
        store = await Store.open(self.db_url)
        self._stack.push_async_callback(store.close)
        self.bot = await self._stack.enter_async_context(self.open(store))
        self.bot.core.listeners.append(_collect(self.notices))

    async def stop(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()

    async def restart(self) -> None:
        """A new process: a fresh connection to the same database and a new core."""
        await self.stop()
        await self.start()

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
    """The simulator, a client to it, the database and the bot from ``open_bot``."""
    clock = Clock()
    settings = settings or Settings(_env_file=None)  # type: ignore[call-arg]
    async with (
        serve_simulator(config, host="127.0.0.1", port=0) as sim,
        TrtcClient.create(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            endpoint=sim.url,
            rate_limit=rate_limit,
            site=config.site,  # the client knows the site it talks to, as from_settings does
        ) as client,
    ):
        backend = Backend(client, TrtcMode.SIMULATOR, sim.url, sim)
        harness = Harness(sim, clock, [], database_url, bots(settings, backend, clock))
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()


def bots(
    settings: Settings,
    backend: Backend,
    clock: Clock,
    *,
    callbacks: CallbackService | None = None,
) -> Callable[[Store], contextlib.AbstractAsyncContextManager[Bot]]:
    """How the harness opens the bot on a store: the sample policy, the personas."""
    reloader = PolicyReloader(sample_policy_path())
    directory = StaticDirectory({p.user_id: p.groups for p in PERSONAS.values()})

    def bot_on(store: Store) -> contextlib.AbstractAsyncContextManager[Bot]:
        return open_bot(
            settings,
            policies=lambda: reloader.current,
            directory=directory,
            store=store,
            backend=backend,
            callbacks=callbacks,
            clock=clock,
        )

    return bot_on


def _collect(notices: list[Notice]) -> Callable[[Notice], object]:
    async def listener(notice: Notice) -> None:
        notices.append(notice)

    return listener
