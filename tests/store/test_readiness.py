"""Readiness asks the database for a write (rolled back), not just a SELECT."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store import Store
from bot.store.database import StorageFault

pytestmark = pytest.mark.storage


async def test_a_healthy_database_is_ready(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        assert await store.ping()
    finally:
        await store.close()


async def test_a_read_only_database_is_not_ready(database_url: str) -> None:
    """SQLite: the file made read-only; PostgreSQL: the database set read-only."""
    store = await Store.open(database_url)
    try:
        if store.engine.dialect.name == "sqlite":
            assert store.file is not None
            os.chmod(store.file.path, 0o444)
        else:
            async with store.engine.connect() as conn:
                name = await conn.scalar(text("SELECT current_database()"))
                await conn.execute(
                    text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
                )
                await conn.commit()
            await store.engine.dispose()  # new sessions take the setting
        assert not await store.ping()
    finally:
        await store.close()


async def test_a_replaced_sqlite_file_is_refused(tmp_path: Path) -> None:
    """Another file moved into the path: writes refuse to begin rather than go to it."""
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        assert store.file is not None
        shutil.copy(store.file.path, tmp_path / "copy.sqlite3")
        os.replace(tmp_path / "copy.sqlite3", store.file.path)
        assert not await store.ping()
        with pytest.raises(StorageFault, match="was replaced by another file"):
            await store.audit.count()
    finally:
        await store.close()
