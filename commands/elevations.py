"""`elevations` (needs chatops:ListElevations): break-glass windows in force and lately."""

from __future__ import annotations

from bot.core import Args, CommandSpec, Context, Reply, Table, clock_time, format_duration, person
from bot.store import ElevationState
from commands.actions import fixed_action

RECENT = 20


async def run(ctx: Context, args: Args) -> Reply:
    rows = await ctx.services.store.elevations.recent(RECENT)
    if not rows:
        return Reply("No break-glass elevations yet.")
    now = ctx.now
    active = [r for r in rows if r.state == ElevationState.ACTIVE.value and r.until > now]
    table = tuple(
        (
            f"#{r.id}",
            person(r.user_id),
            clock_time(r.started_at, with_date=True),
            clock_time(r.until, with_date=True)
            if r in active
            else clock_time(r.ended_at or r.until, with_date=True),
            f"active, {format_duration(r.until - now)} left" if r in active else _ended(r.ended_by),
            r.reason,
        )
        for r in rows
    )
    return Reply(
        headline=f"{len(active)} break-glass elevation(s) active; the last {len(rows)} listed",
        tables=(Table(("Id", "Who", "Started", "Ends / ended", "State", "Reason"), table),),
    )


def _ended(by: str | None) -> str:
    if by is None or by.startswith("system:"):
        return "ended on time"
    return f"ended by {person(by)}"


SPEC = CommandSpec(
    name="elevations",
    summary="List break-glass elevations, active and recent",
    example="elevations",
    run=run,
    action=fixed_action("chatops:ListElevations"),
)
