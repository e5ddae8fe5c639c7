"""App Home's content, asked of the core: the adapter only draws it.

What a person may decide, may run where, and did lately are the same answers
the `approvals`, `whoami` and `audit` commands give; computing them here keeps
Home from deciding anything on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.authz.decision import Effect
from bot.core.approvals import approver_decision, decidable_approvals
from bot.core.authorizer import Person
from bot.core.context import Services
from bot.core.elevation import describe
from bot.core.markup import code, when
from bot.core.reply import Table
from bot.core.spec import Args
from bot.store import Operation

_SHOWN = {Effect.ALLOW: "yes", Effect.NEEDS_APPROVAL: "with approval", Effect.DENY: "no"}
PERMISSION_COLUMNS = ("Command", "Allowed", "Why")
MAX_APPROVALS = 10
RECENT = 10


@dataclass(frozen=True, slots=True)
class ChannelPermissions:
    """What the person may run in ``channel``; None: any channel the policy does not name."""

    channel: str | None
    table: Table


@dataclass(frozen=True, slots=True)
class HomeContent:
    approvals: tuple[Operation, ...]  # waiting, and this person may decide them
    permissions: tuple[ChannelPermissions, ...]
    recent: Table  # this person's last actions (empty rows: nothing yet)
    now: float
    elevation: str | None = None  # their break-glass elevation in force, described
    on_now: str | None = None  # recordings, relays, ingests and bans in force, counted


def permission_table(services: Services, who: Person) -> Table:
    """Each command that needs authorizing, in ``who``'s channel on the default application."""
    rows = []
    for spec in services.registry:
        auth = services.authorize(spec, Args(), who)
        if auth is not None:
            decision = auth[1]
            rows.append((spec.name, _SHOWN[decision.effect], decision.why()))
    return Table(PERMISSION_COLUMNS, tuple(rows))


def may_decide(services: Services, op: Operation, user: str, groups: frozenset[str]) -> bool:
    """Would ``user`` be allowed to approve or reject ``op`` (judged where it was asked)?"""
    if op.requester == user:
        return False
    return approver_decision(services, op, user, groups)[1].allowed


async def home_content(
    services: Services,
    user: str,
    groups: frozenset[str],
    channels: Sequence[str],
    *,
    elsewhere: str,
) -> HomeContent:
    """``channels``: those the policy names (each gets its table); ``elsewhere``: a
    channel id the policy does not name, standing for every other channel."""
    decidable = await decidable_approvals(services, user, groups)
    approvals = tuple(op for op, decision in decidable if decision.allowed)[:MAX_APPROVALS]
    permissions = tuple(
        ChannelPermissions(
            None if channel == elsewhere else channel,
            permission_table(services, Person(user, groups, channel)),
        )
        for channel in [*channels, elsewhere]
    )
    records = await services.store.audit.recent(RECENT, actor=user)
    recent = Table(
        ("When", "Command", "Outcome"),
        tuple((when(r.at, with_date=True), r.text or r.command or "", r.outcome) for r in records),
    )
    now = services.clock()
    elevated = await services.store.elevations.active_for(user, now)
    shown = describe(elevated, now) if elevated is not None else None
    return HomeContent(approvals, permissions, recent, now, shown, await on_now(services, now))


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


async def on_now(services: Services, now: float) -> str | None:
    """What the bot keeps going right now, in one line (None: nothing); three counts."""
    store = services.store
    relays = await store.relays.live_count()
    counted = [
        (await store.recordings.live_count(), "recording", "recordings"),
        (relays.get("relay", 0), "CDN relay", "relays <room>"),
        (relays.get("ingest", 0), "stream ingest", "ingest <room>"),
        (await store.bans.count(now), "ban", "bans"),
    ]
    shown = [(_count(n, what), command) for n, what, command in counted if n]
    if not shown:
        return None
    return "In force now: " + ", ".join(f"{text} ({code(command)})" for text, command in shown)
