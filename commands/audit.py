"""`audit [N]`: the last N audit records (needs chatops:ReadAudit)."""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    Table,
    person,
    when,
)
from commands.actions import fixed_action

TEXT_WIDTH = 48


def _short(text: str) -> str:
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"


async def run(ctx: Context, args: Args) -> Reply:
    count: int = args["count"] or 10
    records = await ctx.services.store.audit.recent(count)
    rows = tuple(
        (
            when(r.at, with_date=True),
            person(r.actor),
            _short(r.text),
            r.decision or "—",
            r.outcome,
            person(r.approver) if r.approver else "",
            ", ".join(r.request_ids) or r.error_code or "",
        )
        for r in records
    )
    return Reply(
        headline=f"Last {len(rows)} audit records",
        tables=(
            Table(
                ("When", "Who", "Command", "Decision", "Outcome", "Approver", "RequestId / error"),
                rows,
            ),
        ),
    )


SPEC = CommandSpec(
    name="audit",
    summary="Show the latest audit records",
    example="audit 20",
    run=run,
    params=(Param("count", ParamKind.COUNT, optional=True),),
    action=fixed_action("chatops:ReadAudit"),
)
