"""Shared fixtures: real local servers on 127.0.0.1, no mocks of our own code."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import stamina

SECRET_ID = "AKIDtestsimulator0000000000000000"
SECRET_KEY = "test-secret-key-never-logged-0001"


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Retries happen for real, without the waiting (stamina's testing switch)."""
    with stamina.set_testing(True, attempts=4, cap=True):
        yield


POSTGRES_ENV = "TRTC_CHATOPS_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database: a SQLite file, and a new PostgreSQL database when a
    server is given (``.ci/run`` starts one; locally: ``eval "$(scripts/postgres.sh)"``)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (see scripts/postgres.sh)")
    import asyncpg

    admin = server.replace("postgresql+asyncpg://", "postgresql://")
    name = f"test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield server.rsplit("/", 1)[0] + f"/{name}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def free_port() -> int:
    """A port nothing listens on now, for a server started as a separate process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, *, within: float = 40.0) -> None:
    """Until ``url``/healthz answers 200: a bot process has finished starting."""
    import aiohttp

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
