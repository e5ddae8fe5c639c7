"""For tests that start the bot as a separate process (marked ``slow``)."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp


def free_port() -> int:
    """A port nothing listens on now, for a server started as a separate process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, *, within: float = 40.0) -> None:
    """Until ``url``/healthz answers 200: a bot process has finished starting."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            assert time.monotonic() < deadline, f"{url} did not become healthy"
            await asyncio.sleep(0.1)
