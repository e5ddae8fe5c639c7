"""`help [command]`: the commands you may run here, or one command's usage and example,
derived from the specs and the policy."""

from __future__ import annotations

import difflib

from bot.authz.decision import Effect
from bot.core import Args, CommandSpec, Context, Param, ParamKind, Reply, Severity, Table, code


async def run(ctx: Context, args: Args) -> Reply:
    words = args.get("command") or []
    if words:
        return _one(ctx, " ".join(words).lower())
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
        f"One command's usage and example: {code('help kick')}.",
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


def _one(ctx: Context, name: str) -> Reply:
    """``help kick``: usage, what it does, example, and whether you may here."""
    registry = ctx.services.registry
    specs = [s for s in registry if s.name == name] or [
        s for s in registry if s.name.split()[0] == name
    ]
    if not specs:
        close = difflib.get_close_matches(name, [s.name for s in registry], n=1)
        hint = f" Did you mean {code('help ' + close[0])}?" if close else ""
        return Reply(
            headline=f"unknown command {code(name)}.{hint} Try {code('help')}.",
            severity=Severity.ERROR,
        )
    if len(specs) == 1:
        spec = specs[0]
        return Reply(headline=f"{code(spec.name)}: {spec.summary}", lines=tuple(_about(ctx, spec)))
    lines: list[str] = []
    for spec in specs:
        lines.extend([f"{code(spec.name)}: {spec.summary}", *_about(ctx, spec)])
    return Reply(headline=f"The {code(name)} commands", lines=tuple(lines))


def _about(ctx: Context, spec: CommandSpec) -> list[str]:
    out = [f"Usage: {code(spec.usage)}", f"Example: {code(spec.example)}"]
    refused = ctx.services.grammar.unavailable(spec)
    auth = ctx.services.authorize(spec, Args(), ctx.invocation)
    if refused is not None:
        out.append(refused)
    elif auth is not None and auth[1].effect is Effect.DENY:
        out.append(f"Not allowed to you here ({code('can')} or {code('whoami')} says why).")
    elif auth is not None and auth[1].effect is Effect.NEEDS_APPROVAL:
        out.append("Here it needs approval by a second person.")
    if any(p.kind.names_room for p in spec.params):
        out.append("Rooms: 1234 (numeric), standup (a string room), prod/1234 (an application).")
    if spec.mutating and "confirm" not in spec.summary:
        out.append("It shows what it will do and asks you to confirm before anything changes.")
    return out


SPEC = CommandSpec(
    name="help",
    summary="Show the commands you may run here, or one command's usage and example",
    example="help kick",
    run=run,
    params=(Param("command", ParamKind.TEXT, optional=True, variadic=True),),
)
