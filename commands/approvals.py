"""`approvals`: requests waiting for a second person, and whether you can decide them."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.operations import approver_decision
from bot.core.reply import Reply, Table
from bot.core.spec import Args, CommandSpec
from bot.core.values import format_duration
from bot.store import OperationState


async def run(ctx: Context, args: Args) -> Reply:
    inv = ctx.invocation
    pending = await ctx.services.store.operations.in_state(OperationState.PENDING_APPROVAL)
    rows = []
    for op in pending:
        if op.expires_at <= ctx.now:
            continue  # the background tick will close it
        if op.requester == inv.actor:
            yours = "yours"
        else:
            _, decision = approver_decision(
                ctx.services, op, inv.actor, inv.usergroups, inv.channel
            )
            yours = "yes" if decision.allowed else "no"
        expires = format_duration(op.expires_at - ctx.now)
        rows.append((f"#{op.id}", op.summary, op.requester, expires, yours))
    if not rows:
        return Reply("No approvals are waiting.")
    return Reply(
        headline=f"{len(rows)} waiting for approval",
        tables=(
            Table(("Id", "What", "Requested by", "Expires in", "You can approve"), tuple(rows)),
        ),
    )


SPEC = CommandSpec(
    name="approvals",
    summary="List requests waiting for approval",
    example="approvals",
    run=run,
)
