"""INSERT that skips rows whose unique key is taken: how "once" is written down.

Both databases we run on say it the same way (``ON CONFLICT DO NOTHING``), but
SQLAlchemy spells it per dialect.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert
from sqlalchemy.dialects import postgresql, sqlite


def insert_new(model: Any, dialect: str, key: str) -> Insert:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` on PostgreSQL and SQLite."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=[key])
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing(index_elements=[key])
    return insert(model)  # elsewhere a taken key raises IntegrityError instead
