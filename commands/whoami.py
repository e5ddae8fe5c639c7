"""`whoami`: who the bot thinks you are and what you may do here, with the reasons."""

from __future__ import annotations

from bot.authz.decision import Effect
from bot.core.authorizer import Person
from bot.core.context import Context
from bot.core.reply import Reply, Table
from bot.core.spec import Args, CommandSpec

_SHOWN = {Effect.ALLOW: "yes", Effect.NEEDS_APPROVAL: "with approval", Effect.DENY: "no"}


def permission_rows(
    ctx: Context, actor: str, groups: frozenset[str]
) -> tuple[tuple[str, ...], ...]:
    """Each authorized command in this channel on the default application."""
    rows = []
    who = Person(actor, groups, ctx.invocation.channel)
    for spec in ctx.services.registry:
        auth = ctx.services.authorize(spec, Args(), who)
        if auth is None:
            continue
        _, decision = auth
        rows.append((spec.name, _SHOWN[decision.effect], decision.explain()))
    return tuple(rows)


async def run(ctx: Context, args: Args) -> Reply:
    inv = ctx.invocation
    groups = ", ".join(sorted(inv.usergroups)) or "none"
    return Reply(
        headline=f"You are {inv.actor} in channel {inv.channel}",
        fields=(
            ("Usergroups", groups),
            ("Application", str(ctx.services.grammar.default_app or "none configured")),
        ),
        tables=(
            Table(("Command", "Allowed", "Why"), permission_rows(ctx, inv.actor, inv.usergroups)),
        ),
        lines=("Room-scoped policies may allow more in particular rooms: ask `can`.",),
    )


SPEC = CommandSpec(
    name="whoami",
    summary="Show who you are here and what you may run, with the deciding policy",
    example="whoami",
    run=run,
)
