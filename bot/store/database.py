"""The database: one async engine, migrated on open, one session factory, a repository per table.

Everything the bot keeps is reached from here (``store.watches``, ``store.deliveries``…);
no other package builds a repository or a session factory of its own.

A SQLite file can be deleted, replaced or made read-only under a running bot.
Pooled connections would go on writing to the deleted inode (lost at exit),
so every transaction first checks that the file is still the one opened and
is writable; if not it raises ``StorageFault``, and ``ping`` says not ready.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from bot.pacing import Pace, Pacer
from bot.store import migrate
from bot.store.audit import AuditLog
from bot.store.bans import Bans
from bot.store.callbacks import Callbacks
from bot.store.deliveries import Deliveries
from bot.store.elevations import Elevations
from bot.store.messages import Messages
from bot.store.mutes import Mutes
from bot.store.nudges import Nudges
from bot.store.operations import Operations
from bot.store.paces import shared_pacer
from bot.store.recordings import Recordings
from bot.store.relays import Relays
from bot.store.replicas import Replicas
from bot.store.roster import Roster
from bot.store.schedules import Schedules
from bot.store.watches import Watches

log = logging.getLogger(__name__)


class StorageFault(OSError):
    """The database cannot be written safely right now; the message says why."""


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


class SqliteFile:
    """The database file as it was opened: same file, still there, still writable?"""

    def __init__(self, path: str) -> None:
        self.path = path
        opened = os.stat(path)
        self._identity = (opened.st_dev, opened.st_ino)

    def fault(self) -> str | None:
        """Why writing now would be wrong; None if it is fine."""
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return f"the database file {self.path} was deleted"
        except OSError as error:
            return f"the database file {self.path} cannot be reached: {error.strerror}"
        if (now.st_dev, now.st_ino) != self._identity:
            return f"the database file {self.path} was replaced by another file"
        # Mode bits too: root may write to a 0444 file, but whoever set it meant read-only.
        if not os.access(self.path, os.W_OK) or not now.st_mode & 0o222:
            return f"the database file {self.path} is read-only"
        return None

    def check(self, *_: object) -> None:
        """Transaction hook: refuse to begin rather than write somewhere lost.

        (Not at pool checkout: a refused checkout closes the connection, and closing
        SQLite's last connection writes the WAL into the file.)"""
        fault = self.fault()
        if fault is not None:
            raise StorageFault(fault)

    @classmethod
    def of(cls, url: str) -> SqliteFile | None:
        database = make_url(url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return cls(os.path.abspath(database))


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
    schedules: Schedules  # scheduled work (the usage digest), once per slot
    elevations: Elevations  # break-glass windows
    nudges: Nudges  # reminders and escalations sent about pending approvals
    recordings: Recordings  # recording tasks, their files and callbacks
    roster: Roster  # who is in each room, from TRTC's room events
    relays: Relays  # CDN relays and stream ingests known to be on air
    bans: Bans  # who is kept out of which room, and the rejoins caught
    file: SqliteFile | None = None  # a SQLite database's file, watched

    @classmethod
    async def open(cls, url: str) -> Store:
        engine = create_async_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        await migrate.upgrade(engine)  # every replica may; only one migrates
        file = SqliteFile.of(url) if engine.dialect.name == "sqlite" else None
        if file is not None:
            event.listen(engine.sync_engine, "begin", file.check)
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
            schedules=Schedules(sessions, dialect),
            elevations=Elevations(sessions),
            nudges=Nudges(sessions),
            recordings=Recordings(sessions),
            roster=Roster(sessions, dialect),
            relays=Relays(sessions),
            bans=Bans(sessions),
            file=file,
        )

    def pacer(self, pace: Pace, *, prefix: str) -> Pacer:
        """A pace every replica on this database keeps together (``paces.py``)."""
        return shared_pacer(self.engine, pace, prefix=prefix)

    async def ping(self) -> bool:
        """Can we write to the database right now? (readiness)

        A write that changes no row, rolled back: a read-only database refuses it."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("DELETE FROM alembic_version WHERE 1 = 0"))
                await conn.rollback()
        except Exception as error:
            log.warning("database not ready: %s", error)
            return False
        return True

    async def close(self) -> None:
        await self.replicas.close()
        await self.engine.dispose()
