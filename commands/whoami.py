"""`whoami`: who the bot thinks you are and what you may do here, with the reasons."""

from __future__ import annotations

from bot.core import Args, CommandSpec, Context, Person, Reply, code, person
from bot.core.approvals import approvable
from bot.core.elevation import describe
from bot.core.home import permission_table


async def run(ctx: Context, args: Args) -> Reply:
    inv = ctx.invocation
    groups = ", ".join(sorted(inv.usergroups)) or "none"
    elevated = await ctx.services.store.elevations.active_for(inv.actor, ctx.now)
    shown = (("Elevated", describe(elevated, ctx.now)),) if elevated is not None else ()
    me = Person(inv.actor, inv.usergroups, inv.channel)
    approving = ", ".join(approvable(ctx.services, me)) or "nothing"
    return Reply(
        headline=f"You are {person(inv.actor)} in channel {inv.channel}",
        fields=(
            ("Usergroups", groups),
            ("Application", str(ctx.services.grammar.default_app or "none configured")),
            ("Approving", f"{approving} (when someone else asks here)"),
            *shown,
        ),
        tables=(permission_table(ctx.services, me),),
        lines=(f"Room-scoped policies may allow more in particular rooms: ask {code('can')}.",),
    )


SPEC = CommandSpec(
    name="whoami",
    summary="Show who you are here and what you may run, with the deciding policy",
    example="whoami",
    run=run,
)
