"""Waiting, once the load is sent, until the bot has finished what it took on."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg

from soak_parts.database import grouped, inbox_open
from soak_parts.table import listing

QUIET_S = 30.0  # settled: nothing changed in the database or Slack for this long


async def fingerprint(conn: asyncpg.Connection) -> tuple[Any, ...]:
    """What changes while the bot is still working. (Not Slack calls: timed mutes
    end 5 minutes after each mute, well after the last request.)"""
    states = await grouped(conn, "SELECT state, count(*) FROM operations GROUP BY 1")
    return (
        await conn.fetchval("SELECT count(*) FROM audit"),
        sorted(states.items()),
        await conn.fetchval("SELECT count(*) FROM trtc_callbacks WHERE state = 'new'"),
    )


async def busy(conn: asyncpg.Connection, clicked: list[int]) -> dict[str, int]:
    """Work the bot still owes: executing operations, clicked ones not yet decided,
    acknowledged deliveries not yet done."""
    open_clicked = (
        "SELECT count(*) FROM operations WHERE id = ANY($1::int[]) "
        "AND state IN ('awaiting_confirm', 'pending_approval')"
    )
    return {
        "executing": await conn.fetchval(
            "SELECT count(*) FROM operations WHERE state = 'executing'"
        ),
        "clicked, still open": await conn.fetchval(open_clicked, clicked),
        "Slack deliveries not done": await inbox_open(conn) or 0,
    }


async def settle(conn: asyncpg.Connection, clicked: list[int], within: float) -> tuple[str, bool]:
    """Until the bot owes nothing and the database stops changing; short of that, until
    nothing has changed for QUIET_S with nothing executing, or ``within`` has passed.
    (How it went, and False if work was still going on at the end.)"""
    started = quiet_since = time.monotonic()
    last = None
    while True:
        owed, mark = await busy(conn, clicked), await fingerprint(conn)
        if mark != last:
            last, quiet_since = mark, time.monotonic()
        quiet, waited = time.monotonic() - quiet_since, time.monotonic() - started
        if not any(owed.values()) and quiet >= 10:
            return f"settled after {waited:.0f} s", True
        if quiet >= QUIET_S and not owed["executing"]:
            return f"quiet for {quiet:.0f} s after {waited:.0f} s, with {listing(owed)}", True
        if waited >= within:
            return f"NOT settled after {waited:.0f} s: {listing(owed)}", False
        await asyncio.sleep(1)
