"""The throw-away PostgreSQL database, and the queries both the settling and the figures make."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg


def plain(url: str) -> str:
    """asyncpg's form of a SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def create_database(server: str) -> tuple[str, str]:
    """A fresh database on the server; (its name, its SQLAlchemy URL)."""
    name = f"soak_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(plain(server.rsplit("/", 1)[0] + "/postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name, server.rsplit("/", 1)[0] + f"/{name}"


async def drop_database(server: str, name: str) -> None:
    conn = await asyncpg.connect(plain(server.rsplit("/", 1)[0] + "/postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def grouped(conn: asyncpg.Connection, sql: str, *args: Any) -> dict[str, int]:
    return {str(k): int(n) for k, n in await conn.fetch(sql, *args)}


async def has_column(conn: asyncpg.Connection, table: str, column: str) -> bool:
    """Whether the bot's schema has this column yet (the soak reads older ones too)."""
    found = await conn.fetchval(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = $1 AND column_name = $2",
        table,
        column,
    )
    return bool(found)


async def inbox_open(conn: asyncpg.Connection) -> int | None:
    """Slack deliveries acknowledged but not yet done; None without such an inbox."""
    if not await has_column(conn, "slack_deliveries", "done"):
        return None
    return int(await conn.fetchval("SELECT count(*) FROM slack_deliveries WHERE NOT done"))
