"""The core's test harness (tests/core) with a scripted simulator world per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.markup import plain
from bot.core.reply import Reply
from bot.trtc.simulator import SimulatorConfig, parse_scenario
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, open_harness

APP = 1400000001

# The proof: X loses 20 % upstream audio in minutes 5-9, Y drops out
# (timeout) at minute 12, Z's CPU is pinned near 95 % from start to end, and
# thirty others are fine. The room started 20 minutes ago and is still live.
XYZ_ROOM = 4321
XYZ = {
    "include_defaults": False,
    "rooms": [
        {
            "room": XYZ_ROOM,
            "started_minutes_ago": 20,
            "users": [
                {"id": "xavier", "device": "android", "network": "wifi"},
                {"id": "yolanda", "device": "web", "network": "wifi"},
                # Windows' simulated app CPU is 12 % ± 20 %; +83 puts it at ~95 %.
                {"id": "zeno", "device": "windows", "network": "wired"},
                *({"id": f"healthy_{n:02d}"} for n in range(1, 31)),
            ],
            "script": [
                {"kind": "loss", "user": "xavier", "media": "audio", "direction": "up",
                 "percent": 20, "from_minute": 5, "to_minute": 9},
                {"kind": "exit", "user": "yolanda", "at_minute": 12, "reason": "timeout"},
                {"kind": "cpu", "user": "zeno", "percent": 83, "from_minute": 0,
                 "to_minute": 600},
            ],
        },
        # Ended two hours ago: inside the last 24 h, outside the default window.
        {"room": 5555, "started_minutes_ago": 180, "ended_minutes_ago": 120,
         "users": ["early", "bird"]},
        # Twelve fine users: exactly two DescribeCallDetailInfo batches.
        {"room": 1212, "started_minutes_ago": 15,
         "users": [f"dozen_{n:02d}" for n in range(12)]},
        # Three users, one of whom drops out: one DescribeUserEvent query.
        {"room": 3434, "started_minutes_ago": 15, "users": ["tom", "ann", "sue"],
         "script": [{"kind": "exit", "user": "sue", "at_minute": 6, "reason": "timeout"}]},
    ],
}  # fmt: skip


def webinar(users: int, *, minutes: float = 10) -> dict[str, Any]:
    """A webinar nobody leaves: three hosts publish, everyone else listens."""
    people = [{"id": f"host_{n}"} for n in range(1, 4)]
    people += [{"id": f"v{n:04d}", "publishes": False} for n in range(users - 3)]
    room = {"room": 7000 + users, "started_minutes_ago": minutes, "users": people}
    return {"include_defaults": False, "rooms": [room]}


Factory = Callable[..., AbstractAsyncContextManager[Harness]]


@pytest.fixture
def make_harness(tmp_path: Path) -> Factory:
    """``async with make_harness(scenario, rate_limit=20) as h``: a core on a fresh simulator."""
    return harness_factory(tmp_path)


def harness_factory(folder: Path) -> Factory:
    @asynccontextmanager
    async def make(
        scenario: dict[str, Any] | None = None,
        *,
        rate_limit: int | None = None,
        latency_ms: float = 0.0,
    ) -> AsyncIterator[Harness]:
        config = SimulatorConfig(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            seed=3,
            rate_limit=rate_limit,
            latency_ms=latency_ms,
            scenario=parse_scenario(scenario) if scenario else None,
        )
        db_url = f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}"
        async with open_harness(config, db_url, rate_limit=rate_limit) as harness:
            yield harness

    return make


def text(reply: Reply) -> str:
    """Everything a person reads in a reply, as one string."""
    parts = [reply.headline, *reply.lines, *(f"{k}: {v}" for k, v in reply.fields)]
    for table in reply.tables:
        parts.extend(" | ".join(row) for row in (table.columns, *table.rows))
    return plain("\n".join(parts), quote="`")  # code in backticks, people by id


def named(reply: Reply) -> dict[str, str]:
    """The users a summary lists, each with their line (``name — …``)."""
    return {line.split(" — ")[0]: line for line in reply.lines if " — " in line}


def created(harness: Harness, room: int) -> int:
    """When the simulated room's live call began (Unix seconds)."""
    call = harness.sim.simulator.world.room(APP, room)
    assert call is not None
    return call.create_ts


def calls(harness: Harness) -> dict[str, int]:
    """How many requests the simulator received, per action."""
    counts: dict[str, int] = {}
    for request in harness.sim.simulator.requests:
        counts[request.action] = counts.get(request.action, 0) + 1
    return counts
