"""`approvals` (needs chatops:ListApprovals): requests waiting for a second person that
concern you — yours, those you may decide, and those asked in the channel you ask in.
A request from another channel that you may not decide is not listed at all, so a
private channel's requests never show elsewhere."""

from __future__ import annotations

from bot.core import Args, CommandSpec, Context, Reply, Table, format_duration, person
from bot.core.approvals import decidable_approvals, waiting
from bot.store import Operation
from commands.actions import fixed_action


async def run(ctx: Context, args: Args) -> Reply:
    inv = ctx.invocation
    decidable = await decidable_approvals(ctx.services, inv.actor, inv.usergroups)
    yours = [(op, "yours") for op in await waiting(ctx.services) if op.requester == inv.actor]
    listed: list[tuple[Operation, str]] = [
        *yours,
        *(
            (op, "yes" if decision.allowed else "no")
            for op, decision in decidable
            if decision.allowed or op.channel == inv.channel
        ),
    ]
    rows = tuple(
        (
            f"#{op.id}",
            op.summary,
            person(op.requester),
            format_duration(op.expires_at - ctx.now),
            can,
        )
        for op, can in sorted(listed, key=lambda row: row[0].id)
    )
    if not rows:
        return Reply("No approvals are waiting for you or in this channel.")
    return Reply(
        headline=f"{len(rows)} waiting for approval",
        tables=(Table(("Id", "What", "Requested by", "Expires in", "You can approve"), rows),),
    )


SPEC = CommandSpec(
    name="approvals",
    summary="List requests waiting for approval that you may decide or that were asked here",
    example="approvals",
    run=run,
    action=fixed_action("chatops:ListApprovals"),
)
