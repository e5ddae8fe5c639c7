"""Fresh, empty databases: a SQLite file always, a PostgreSQL database when a server is given.

Only storage tests (marked ``storage``: exactly-once claims, migrations, replicas,
restarts) run on both; every other test gets SQLite (see ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

POSTGRES_ENV = "TRTC_CHATOPS_TEST_POSTGRES_URL"
KINDS = ("sqlite", "postgresql")


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}"


@pytest.fixture
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database: SQLite, or for ``storage`` tests also PostgreSQL when a server
    is given (``.ci/run`` starts one; locally: ``eval "$(scripts/postgres.sh start)"``)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield sqlite_url(tmp_path)
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
