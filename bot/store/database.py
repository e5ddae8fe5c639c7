"""The database: one async engine, migrated on open, one session factory, a repository per table.

Everything the bot keeps is reached from here (``store.watches``, ``store.deliveries``…);
no other package builds a repository or a session factory of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from bot.store import migrate
from bot.store.audit import AuditLog
from bot.store.callbacks import Callbacks
from bot.store.deliveries import Deliveries
from bot.store.messages import Messages
from bot.store.mutes import Mutes
from bot.store.operations import Operations
from bot.store.replicas import Replicas
from bot.store.watches import Watches


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers proceed during a write; busy_timeout makes a second
    # process wait for the lock instead of failing at once.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _heart_engine(engine: AsyncEngine) -> AsyncEngine:
    """A connection of the heartbeat's own: a full pool or a slow query cannot hold it."""
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return engine  # one in-memory database is one connection; nothing to keep apart
    heart = create_async_engine(engine.url, pool_size=1, max_overflow=0, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(heart.sync_engine, "connect", _sqlite_pragmas)
    return heart


@dataclass
class Store:
    engine: AsyncEngine
    operations: Operations
    audit: AuditLog
    mutes: Mutes
    replicas: Replicas
    deliveries: Deliveries  # the Slack inbox
    messages: Messages  # the Slack messages that show an operation
    watches: Watches  # threads following a room's callbacks
    callbacks: Callbacks  # TRTC callbacks as received

    @classmethod
    async def open(cls, url: str) -> Store:
        engine = create_async_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        await migrate.upgrade(engine)  # every replica may; only one migrates
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        dialect = engine.dialect.name
        return cls(
            engine=engine,
            operations=Operations(sessions),
            audit=AuditLog(sessions, dialect),
            mutes=Mutes(sessions),
            replicas=Replicas(sessions, async_sessionmaker(_heart_engine(engine))),
            deliveries=Deliveries(sessions, dialect),
            messages=Messages(sessions),
            watches=Watches(sessions),
            callbacks=Callbacks(sessions, dialect),
        )

    async def ping(self) -> bool:
        """Can we reach the database right now? (readiness)"""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        await self.replicas.close()
        await self.engine.dispose()
