"""The figures: what the database, the simulator, the fake Slack and the replicas'
logs show once the bot has settled."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from bot.trtc.simulator import RecordedRequest
from soak_parts.database import grouped, has_column, inbox_open
from soak_parts.plan import COST, Flow
from tests.support.fake_slack import FakeSlack, text_objects

MUTATIONS = ("RemoveUser", "SetUserBlocked", "DismissRoom")
CODE = re.compile(r"Code: ([A-Za-z][\w.]*)")
TAKING_OVER = "taking over Slack delivery "  # logged at WARNING by bot.slack.inbox


@dataclass
class Audit:
    total: int
    recovered: list[tuple[float, str]]  # (at, outcome) of operations recovered after a crash
    outcomes: dict[str, int]
    codes: dict[str, int]
    by_delivery: dict[str, int] | None  # None: no `delivery` column yet
    operations: dict[str, int]
    clicked_states: dict[int, str]
    callbacks_stored: set[str]
    inbox: int | None


@dataclass(frozen=True)
class Takeover:
    """A replica taking over a Slack delivery that a dead one had acknowledged."""

    replica: str
    key: str
    at: float  # Unix time


async def read_audit(conn: asyncpg.Connection, clicked: list[int]) -> Audit:
    by_delivery = None
    if await has_column(conn, "audit", "delivery"):
        by_delivery = await grouped(
            conn, "SELECT delivery, count(*) FROM audit WHERE delivery IS NOT NULL GROUP BY 1"
        )
    states = await conn.fetch("SELECT id, state FROM operations WHERE id = ANY($1::int[])", clicked)
    keys = await conn.fetch("SELECT key FROM trtc_callbacks")
    recovered = await conn.fetch(
        "SELECT at, outcome FROM audit WHERE outcome LIKE 'recovered:%' ORDER BY at"
    )
    return Audit(
        total=await conn.fetchval("SELECT count(*) FROM audit"),
        recovered=[(float(r["at"]), str(r["outcome"])) for r in recovered],
        outcomes=await grouped(conn, "SELECT outcome, count(*) FROM audit GROUP BY 1"),
        codes=await grouped(
            conn, "SELECT error_code, count(*) FROM audit WHERE error_code IS NOT NULL GROUP BY 1"
        ),
        by_delivery=by_delivery,
        operations=await grouped(conn, "SELECT state, count(*) FROM operations GROUP BY 1"),
        clicked_states={int(r["id"]): str(r["state"]) for r in states},
        callbacks_stored={str(r["key"]) for r in keys},
        inbox=await inbox_open(conn),
    )


def takeovers(logs: dict[str, Path]) -> list[Takeover]:
    """Slack deliveries taken over, from the replicas' logs (JSON lines). The database
    cannot tell them apart: a takeover makes the taker the delivery's owner."""
    found = []
    for replica, log in logs.items():
        for line in log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # the soak's own "---- start" lines
            text = str(entry.get("message", "")) if isinstance(entry, dict) else ""
            if text.startswith(TAKING_OVER):
                at = datetime.strptime(entry["time"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
                key = text.removeprefix(TAKING_OVER).rsplit(" from ", 1)[0]
                found.append(Takeover(replica, key, at))
    return found


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def target_of(request: RecordedRequest) -> list[tuple[Any, ...]]:
    """The targets a mutation acted on: (action, room, user[, IsMute]) or (action, room)."""
    action, p = request.action.removesuffix("ByStrRoomId"), request.params
    room = p.get("RoomId", p.get("StrRoomId"))
    if action == "RemoveUser":
        return [(action, room, user) for user in p.get("UserIds") or []]
    if action == "SetUserBlocked":
        return [(action, room, p.get("UserId"), p.get("IsMute"))]
    return [(action, room)]


def applied_twice(requests: list[RecordedRequest]) -> tuple[Counter[str], list[tuple[Any, ...]]]:
    """Mutations that reached TRTC's handler (answered OK or a FailedOperation such
    as RoomNotExist, not an injected fault), per action; targets reached twice."""
    per_target: Counter[tuple[Any, ...]] = Counter()
    per_action: Counter[str] = Counter()
    for r in requests:
        if r.action.removesuffix("ByStrRoomId") not in MUTATIONS or r.status != 200:
            continue
        if r.error_code is not None and not r.error_code.startswith("FailedOperation"):
            continue
        per_action[r.action] += 1
        per_target.update(target_of(r))
    return per_action, [t for t, n in per_target.items() if n > 1]


def shown_errors(fake: FakeSlack) -> Counter[str]:
    """Errors in what users can see now: messages as last edited, and ephemerals."""
    texts = [
        " ".join(t for _, t in text_objects(m.get("blocks") or [])) for m in fake.messages.values()
    ]
    texts += [" ".join(c.texts()) for c in fake.of("chat.postEphemeral")]
    found: Counter[str] = Counter()
    for text in texts:
        found.update(CODE.findall(text))
        found["Could not reach TRTC"] += "Could not reach TRTC" in text
        found["outcome unknown"] += "outcome unknown" in text
        found["unexpected (Reference: ref-…)"] += "Reference: ref-" in text
        found["groups unreadable"] += "usergroups could not be read" in text
    return +found


def posted_twice(fake: FakeSlack, flows: list[Flow]) -> list[tuple[str, str]]:
    """Commands (those with a unique text) whose visible parent message was posted more
    than once: the work was started again by another replica."""
    unique = {(f.channel, f"/trtc {f.text}") for f in flows if f.kind in COST and COST[f.kind] > 1}
    parents = Counter(
        (c.args["channel"], str(c.args.get("text", "")).partition(": ")[0])
        for c in fake.posts()
        if not c.args.get("thread_ts")
    )
    return sorted(k for k in unique if parents[k] > 1)
