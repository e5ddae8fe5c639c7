"""Schema migrations (Alembic), run on the bot's own async engine."""

from __future__ import annotations

import asyncio
import logging
import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)
# Alembic tells each step at INFO ("Context impl SQLiteImpl.", "Running upgrade …"): noise
# on every start. ``logs.configure`` shows them at DEBUG only; ``upgrade`` says the
# outcome once at INFO instead.
# Alembic keeps its running context in module globals: two migrations in one
# process must not interleave (across processes the database's own lock serialises).
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> str | None:
    """Bring the database to ``revision``; a no-op when it is there already.

    Logs one line at INFO ("database up to date at 0011" or "database migrated to 0011
    from 0005") and returns the revision reached."""

    def run(connection: Connection) -> tuple[str | None, str | None]:
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(_config(connection), revision)
        return before, MigrationContext.configure(connection).get_current_revision()

    lock = _locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock, engine.begin() as conn:
        before, after = await conn.run_sync(run)
    if before == after:
        log.info("database up to date at %s", after)
    else:
        log.info("database migrated to %s from %s", after, before or "empty")
    return after


async def current(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)


def head() -> str:
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found
