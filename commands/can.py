"""`can <@user> <command> <room>`: would this person be allowed, and by which statement?"""

from __future__ import annotations

from bot.authz.decision import Effect
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
    person,
)

_VERDICT = {
    Effect.ALLOW: ("may", Severity.SUCCESS),
    Effect.NEEDS_APPROVAL: ("may, with a second person's approval,", Severity.WARNING),
    Effect.DENY: ("may not", Severity.ERROR),
}


async def run(ctx: Context, args: Args) -> Reply:
    inv, user, name, room = ctx.invocation, args["user"], args["command"], args.room
    spec = ctx.services.grammar.spec(name)
    assert spec is not None  # the grammar checked the name
    groups = await ctx.services.directory.groups_of(user)
    auth = ctx.services.authorize(spec, Args(room=room), Person(user, groups, inv.channel))
    if auth is None:
        return Reply(f"Anyone may run {code(name)}: it needs no permission.", Severity.INFO)
    request, decision = auth
    verb, severity = _VERDICT[decision.effect]
    return Reply(
        headline=f"{person(user)} {verb} run {code(name)} on room {room} in this channel",
        severity=severity,
        fields=(
            ("Action", request.action),
            ("Resource", request.resource),
            ("Usergroups", ", ".join(sorted(groups)) or "none"),
        ),
        lines=(f"Decided by: {decision.explain()}",),
    )


SPEC = CommandSpec(
    name="can",
    summary="Check whether someone may run a command on a room here, and why",
    example="can @alice kick 1234",
    run=run,
    params=(
        Param("user", ParamKind.SLACK_USER),
        Param("command", ParamKind.COMMAND),
        Param("room", ParamKind.ROOM),
    ),
)
