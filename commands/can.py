"""`can <@user> <command> [room]`: would this person be allowed, and by which statement?
For `elevate`, also how long a break-glass window the policy allows them here."""

from __future__ import annotations

from bot.authz.decision import Effect
from bot.authz.request import ELEVATE_ACTION
from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Person,
    Reply,
    Severity,
    code,
    format_duration,
    person,
)
from bot.core.elevation import elevate_decision

PROBES = (900, 1800, 3600, 7200, 4 * 3600, 8 * 3600)  # elevation lengths `can` tries

_VERDICT = {
    Effect.ALLOW: ("may", Severity.SUCCESS),
    Effect.NEEDS_APPROVAL: ("may, with a second person's approval,", Severity.WARNING),
    Effect.DENY: ("may not", Severity.ERROR),
}


async def run(ctx: Context, args: Args) -> Reply:
    inv, user, name, room = ctx.invocation, args["user"], args["command"], args.get("room")
    spec = ctx.services.grammar.spec(name)
    assert spec is not None  # the grammar checked the name
    if room is None and any(p.kind is ParamKind.ROOM and not p.optional for p in spec.params):
        return Reply(f"Say which room: {code(f'can @someone {name} 1234')}", Severity.ERROR)
    groups = await ctx.services.directory.groups_of(user)
    who = Person(user, groups, inv.channel)
    auth = ctx.services.authorize(spec, Args(room=room), who)
    if auth is None:
        return Reply(f"Anyone may run {code(name)}: it needs no permission.", Severity.INFO)
    request, decision = auth
    verb, severity = _VERDICT[decision.effect]
    where = f" on room {room}" if room is not None else ""
    lines = [f"Decided by: {decision.explain()}"]
    if request.action == ELEVATE_ACTION:
        lines.append(_elevation_lengths(ctx, who))
    return Reply(
        headline=f"{person(user)} {verb} run {code(name)}{where} in this channel",
        severity=severity,
        fields=(
            ("Action", request.action),
            ("Resource", request.resource),
            ("Usergroups", ", ".join(sorted(groups)) or "none"),
        ),
        lines=tuple(lines),
    )


def _elevation_lengths(ctx: Context, who: Person) -> str:
    """How long a break-glass window the policy allows here (``chatops:elevation_seconds``)."""
    allowed = [s for s in PROBES if elevate_decision(ctx.services, who, s)[1].allowed]
    tried = ", ".join(format_duration(s) for s in PROBES)
    if not allowed:
        return f"No elevation length is allowed here (tried {tried})."
    return (
        f"Longest elevation allowed here: {format_duration(max(allowed))} "
        f"(tried {tried}; the policy caps it with chatops:elevation_seconds)."
    )


SPEC = CommandSpec(
    name="can",
    summary="Check whether someone may run a command on a room here, and why",
    example="can @alice kick 1234",
    run=run,
    params=(
        Param("user", ParamKind.SLACK_USER),
        Param("command", ParamKind.COMMAND),
        Param("room", ParamKind.ROOM, optional=True),
    ),
)
