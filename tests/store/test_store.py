"""One store: every table and repository is reached from ``Store``, on one session factory."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest
from sqlalchemy import inspect

from bot.store import Store
from bot.store.audit import AuditLog
from bot.store.callbacks import Callbacks, Counts
from bot.store.deliveries import Deliveries
from bot.store.messages import Messages, Shown, Style
from bot.store.mutes import Mutes
from bot.store.operations import Operations
from bot.store.replicas import Replicas
from bot.store.roster import Roster
from bot.store.watches import Place, Watches

REPOSITORIES = {
    "operations": Operations,
    "audit": AuditLog,
    "mutes": Mutes,
    "replicas": Replicas,
    "deliveries": Deliveries,
    "messages": Messages,
    "watches": Watches,
    "callbacks": Callbacks,
    "roster": Roster,
}

pytestmark = pytest.mark.storage

# Run in a fresh interpreter: what importing the store and listing its tables pulls in.
_SCHEMA_ALONE = """
import json, sys
import bot.store
from bot.store.schema import metadata
names = sorted(metadata().tables)
adapters = sorted(m for m in sys.modules if m.startswith(("bot.slack", "bot.callbacks")))
print(json.dumps({"tables": names, "adapters": adapters}))
"""


async def test_store_reaches_every_repository(database_url: str) -> None:
    """A store opened on an empty database has every repository, all on one session factory."""
    store = await Store.open(database_url)
    try:
        for name, kind in REPOSITORIES.items():
            assert isinstance(getattr(store, name), kind), name
        factories = {id(getattr(store, name)._sessions) for name in REPOSITORIES}
        assert len(factories) == 1
        place = Place("C0STORE", "1700000000.000100")
        await store.watches.start(
            sdkappid=1400000001, room="1", numeric=True, place=place, by="U1", now=1.0
        )
        assert [w.room for w in await store.watches.active(2.0)] == ["1"]
        assert await store.deliveries.claim("event:Ev1", 1.0, {}, owner="r-store")
        await store.messages.add(7, Shown("C0STORE", "1.0", Style.FULL), now=1.0)
        assert await store.messages.operation_at("C0STORE", "1.0") == 7
        assert await store.callbacks.counts() == Counts(new=0, taken=0)
    finally:
        await store.close()


@pytest.mark.slow
async def test_schema_lists_what_migrations_create_without_the_adapters(
    database_url: str,
) -> None:
    """``schema.metadata()`` names every table the migrations create, and getting it
    imports neither the Slack adapter nor the callbacks feature."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _SCHEMA_ALONE, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == 0
    found = json.loads(out)
    assert found["adapters"] == []
    store = await Store.open(database_url)
    try:
        async with store.engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await store.close()
    assert set(found["tables"]) == names - {"alembic_version"}
