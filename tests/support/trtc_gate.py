"""A slow TRTC on demand: a loopback hop in front of the simulator that holds the
actions a test names until it releases them, so "TRTC is slow" needs no real timeout.

``route(client)`` points a client's requests through the hop; they are still signed
for the simulator's host, and the hop passes them on unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.trtc.client import TrtcClient
from bot.trtc.transport import Endpoint

_HOP = {"content-length", "transfer-encoding", "connection"}


@dataclass
class TrtcGate:
    upstream: str
    url: str = ""
    waiting: list[str] = field(default_factory=list)  # held actions, as they arrived
    _gates: dict[str, asyncio.Event] = field(default_factory=dict)
    _arrived: dict[str, asyncio.Event] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None

    def hold(self, action: str) -> None:
        """Hold every request for ``action`` from now until ``release``."""
        self._gates[action] = asyncio.Event()

    def release(self, action: str) -> None:
        self._gates.pop(action).set()

    def route(self, client: TrtcClient) -> None:
        transport = client.transport
        transport.endpoint = Endpoint(url=self.url + "/", host=transport.endpoint.host)

    async def held(self, action: str) -> None:
        """Wait (10 s at most) until a request for ``action`` is being held."""
        async with asyncio.timeout(10):
            await self._arrived.setdefault(action, asyncio.Event()).wait()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        action = request.headers.get("X-TC-Action", "")
        gate = self._gates.get(action)
        if gate is not None:
            self.waiting.append(action)
            self._arrived.setdefault(action, asyncio.Event()).set()
            await gate.wait()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        assert self._session is not None
        async with self._session.post(self.upstream, data=body, headers=headers) as resp:
            raw = await resp.read()
            return web.Response(status=resp.status, body=raw, content_type=resp.content_type)


@asynccontextmanager
async def serve_gate(upstream: str) -> AsyncIterator[TrtcGate]:
    """The hop on a free loopback port, passing requests on to ``upstream``."""
    gate = TrtcGate(upstream.rstrip("/") + "/")
    app = web.Application()
    app.router.add_post("/", gate._forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    gate.url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        gate._session = session
        try:
            yield gate
        finally:
            for event in gate._gates.values():
                event.set()
            await runner.cleanup()
