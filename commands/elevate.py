"""`elevate --for 30m --reason "…"` (needs chatops:Elevate): break-glass for a while.

For the window, a request the policy would send to a second person runs on the
requester's confirmation alone, recorded as approved by ``break-glass:<user>`` and
audited with the elevation's id; an explicit deny still denies. The policy may cap
the length with ``chatops:elevation_seconds`` and bind channels and times with the
usual condition keys. Announced at once here and in the approvals channel.
"""

from __future__ import annotations

import secrets

from bot.authz.request import ELEVATE_ACTION, ELEVATION_SECONDS
from bot.core import (
    Args,
    BadValue,
    CommandSpec,
    Context,
    Option,
    ParamKind,
    Reply,
    Severity,
    clock_time,
    code,
    format_duration,
    person,
)
from bot.core.elevation import WARN_S, actions, break_glass, describe, tell
from commands.actions import fixed_action

MIN_S = 60
MAX_S = 8 * 3600  # the grammar's bound; the policy's condition is the real cap


def check(args: Args, _now: float) -> None:
    if args["for"] is None:
        raise BadValue('say how long: elevate --for 30m --reason "…"')
    if not (args["reason"] or "").strip():
        raise BadValue('say why: elevate --for 30m --reason "…" (it is announced)')


def context(args: Args) -> dict[str, str]:
    """The length asked for, for conditions on ``chatops:elevation_seconds``; without one
    (a permission table), the shortest: may this person elevate at all?"""
    return {ELEVATION_SECONDS: str(args.get("for") or MIN_S)}


async def run(ctx: Context, args: Args) -> Reply:
    services, inv = ctx.services, ctx.invocation
    store, now = services.store.elevations, ctx.now
    held = await store.active_for(inv.actor, now)
    if held is not None:
        return Reply(
            headline=f"You already hold break-glass elevation #{held.id}",
            severity=Severity.WARNING,
            lines=(describe(held, now), "Extend it or end it with its buttons."),
            actions=actions(held),
        )
    seconds = int(args["for"])
    row = await store.start(
        nonce=secrets.token_hex(8),
        user_id=inv.actor,
        channel=inv.channel,
        thread=inv.thread,
        reason=args["reason"].strip(),
        started_at=now,
        granted_s=float(seconds),
        until=now + seconds,
    )
    reply = Reply(
        headline=f"Break-glass: {person(inv.actor)} is elevated for {format_duration(seconds)} "
        f"(elevation #{row.id}, until {clock_time(row.until)})",
        severity=Severity.WARNING,
        lines=(
            "Requests that need a second person's approval now run on their confirmation "
            f"alone, recorded as approved by {break_glass(inv.actor)}; explicit denies "
            "still deny.",
            f"A warning with Extend and End now comes {format_duration(WARN_S)} before the "
            f"end. See {code('elevations')}.",
        ),
        fields=(("Reason", row.reason), ("Elevation", f"#{row.id}")),
    )
    await tell(services, ctx.tell, row, reply, in_thread=False)  # the reply is the thread's
    return reply


SPEC = CommandSpec(
    name="elevate",
    summary="Break-glass: for a while, run what needs approval on your confirmation alone",
    example='elevate --for 30m --reason "lead asleep, abusive room must go"',
    run=run,
    options=(
        Option(
            "for", ParamKind.DURATION, default=None, minimum=MIN_S, maximum=MAX_S, metavar="30m"
        ),
        Option("reason", ParamKind.TEXT, metavar='"…"'),
    ),
    action=fixed_action(ELEVATE_ACTION),
    check=check,
    context=context,
)
