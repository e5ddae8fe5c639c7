"""Alembic's environment: always run on a connection the bot hands in (see migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.store.schema import metadata

# Several replicas may start at once: on PostgreSQL the first takes this lock and
# migrates, the others wait and then find nothing to do.
ADVISORY_LOCK = 0x74727463  # "trtc"

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
