"""`help`: the commands you may run here, derived from the specs and the policy."""

from __future__ import annotations

from bot.authz.decision import Effect
from bot.core import Args, CommandSpec, Context, Reply, Table, code


async def run(ctx: Context, args: Args) -> Reply:
    inv = ctx.invocation
    rows = []
    hidden = 0
    grammar = ctx.services.grammar
    missing = [s.name for s in ctx.services.registry if grammar.unavailable(s) is not None]
    for spec in ctx.services.registry:
        if spec.name in missing:
            continue
        auth = ctx.services.authorize(spec, Args(), inv)
        note = ""
        if auth is not None:
            effect = auth[1].effect
            if effect is Effect.DENY:
                hidden += 1
                continue
            if effect is Effect.NEEDS_APPROVAL:
                note = " (needs approval)"
        rows.append((spec.usage, spec.summary + note))
    lines = [
        "Rooms: 1234 is a numeric room, standup a string room; prod/1234 picks an application.",
        'Durations: 30s, 10m, 2h, 1h30m. Quote text with spaces: --reason "two words".',
    ]
    if missing and grammar.site is not None:
        lines.append(
            f"Not offered by the TRTC site this bot talks to ({grammar.site.value}): "
            + ", ".join(f"{code(name)}" for name in missing)
            + "."
        )
    if hidden:
        lines.append(
            f"{hidden} more commands are not allowed to you here ({code('whoami')} says why)."
        )
    return Reply(
        headline="What you can do here",
        tables=(Table(("Command", "What it does"), tuple(rows)),),
        lines=tuple(lines),
    )


SPEC = CommandSpec(
    name="help",
    summary="Show the commands you may run here",
    example="help",
    run=run,
)
