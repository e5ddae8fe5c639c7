"""Run the simulator on a real socket: ``async with serve_simulator(config) as running``."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from bot.trtc.simulator.app import Simulator
from bot.trtc.simulator.config import SimulatorConfig
from bot.trtc.simulator.relay import run_desk


@dataclass(frozen=True)
class RunningSimulator:
    """A listening simulator; ``url`` is what TRTC_ENDPOINT should be."""

    url: str
    host: str
    port: int
    simulator: Simulator

    async def callbacks_sent(self) -> None:
        """Until every event callback it has queued has been delivered (or given up)."""
        if self.simulator.announcer is not None:
            await self.simulator.announcer.sender.drain()


@asynccontextmanager
async def serve_simulator(
    target: SimulatorConfig | Simulator,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    access_log: bool = False,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[RunningSimulator]:
    """Serve until the block exits; ``port=0`` picks a free port. With ``ssl_context``
    it speaks HTTPS, so clients that insist on it (tccli, the Node.js SDK) can use it."""
    simulator = target if isinstance(target, Simulator) else Simulator(target)
    runner = (
        web.AppRunner(simulator.app)
        if access_log
        else web.AppRunner(simulator.app, access_log=None)
    )
    await runner.setup()
    if simulator.announcer is not None:
        await simulator.announcer.start()
    relays = asyncio.create_task(run_desk(simulator.relays), name="simulator-relays")
    try:
        site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
        await site.start()
        bound = runner.addresses[0][1]
        url_host = f"[{host}]" if ":" in host else host
        scheme = "https" if ssl_context is not None else "http"
        yield RunningSimulator(f"{scheme}://{url_host}:{bound}", host, bound, simulator)
    finally:
        relays.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relays
        await runner.cleanup()
        if simulator.announcer is not None:
            await simulator.announcer.close()
