"""`trtc-chatops db upgrade|current`: the database schema (Alembic migrations).

The bot also upgrades at start-up; this is for a release step (Procfile
``release``) that migrates once before new replicas start.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine

from bot.cli.configured import configured
from bot.store import migrate


def register(sub: Any) -> None:
    parser = sub.add_parser("db", help="database schema: upgrade or show the current revision")
    parser.add_argument("action", choices=["upgrade", "current"])
    parser.add_argument("--revision", default="head", help="target of upgrade (default: head)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = configured()
    if settings is None:
        return 2
    if settings.database_url is None:
        print("DATABASE_URL is not set: nothing to migrate", file=sys.stderr)
        return 2
    return asyncio.run(_run(settings.database_url, args.action, args.revision))


async def _run(url: str, action: str, revision: str) -> int:
    engine = create_async_engine(url)
    try:
        if action == "upgrade":
            await migrate.upgrade(engine, revision)
        found = await migrate.current(engine)
        print(f"database at revision {found or 'none'} (latest: {migrate.head()})")
    finally:
        await engine.dispose()
    return 0
