"""Schema migrations: from nothing, from the previous revision, and matching the models."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import Store, migrate
from bot.store.schema import metadata

pytestmark = pytest.mark.storage

TABLES = {
    "operations",
    "audit",
    "mutes",
    "slack_messages",
    "slack_deliveries",
    "trtc_callbacks",
    "trtc_watches",
}


async def test_upgrade_from_empty(database_url: str) -> None:
    """An empty database is brought to the latest revision with every table."""
    store = await Store.open(database_url)
    try:
        assert await migrate.current(store.engine) == migrate.head()
        async with store.engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert names >= TABLES
    finally:
        await store.close()


async def test_upgrade_from_previous_revision_keeps_data(database_url: str) -> None:
    """A database at revision 0001 with data upgrades to head with its data intact."""
    engine = create_async_engine(database_url)
    try:
        await migrate.upgrade(engine, "0001")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO audit (at, actor, channel, origin, text, outcome, request_ids)"
                    " VALUES (1.0, 'U1', 'C1', 'console', 'users 1234', 'ok', '[]')"
                )
            )
        await migrate.upgrade(engine)
        assert await migrate.current(engine) == migrate.head()
        async with engine.connect() as conn:
            indexes = await conn.run_sync(
                lambda c: {i["name"] for i in inspect(c).get_indexes("audit")}
            )
            count = (await conn.execute(text("SELECT count(*) FROM audit"))).scalar()
        assert "ix_audit_actor_id" in indexes
        assert count == 1
    finally:
        await engine.dispose()


async def test_models_match_migrations(database_url: str) -> None:
    """The tables the code declares are exactly what the migrations build (no drift)."""
    store = await Store.open(database_url)

    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata()))

    try:
        async with store.engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await store.close()


async def test_replicas_starting_together_migrate_once(database_url: str) -> None:
    """Two stores opening an empty database at once both end at head, without errors."""
    stores = await asyncio.gather(Store.open(database_url), Store.open(database_url))
    try:
        for store in stores:
            assert await migrate.current(store.engine) == migrate.head()
    finally:
        for store in stores:
            await store.close()


@pytest.mark.slow
def test_cli_upgrade(database_url: str) -> None:
    """`trtc-chatops db upgrade` migrates DATABASE_URL and reports the revision."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"database at revision {migrate.head()}" in done.stdout
