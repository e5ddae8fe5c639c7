"""Break-glass: for a short window, what would need a second person runs on its
requester's confirmation alone, as if approved by ``break-glass:<user>``.

An elevation is in force for a request only while it is stored active, before its
end, *and* the policy still allows ``chatops:Elevate`` to that person in the
request's channel now (so channel and time conditions, and a policy reload, bind
it). It never turns a deny into an allow: only a ``needs_approval`` decision is
lifted. The warning before the end and the end itself are each claimed by one
conditional UPDATE, so with any number of replicas each happens once.
"""

from __future__ import annotations

import hmac
from dataclasses import replace

from bot.authz.decision import Decision
from bot.authz.request import ELEVATE_ACTION, ELEVATION_SECONDS, AuthzRequest
from bot.core import auditing
from bot.core.actor import Chore, SystemActor
from bot.core.auditing import Outcome
from bot.core.authorizer import Principal, build_request
from bot.core.context import Services
from bot.core.invocation import Press
from bot.core.markup import code, person
from bot.core.notice import Notice, Notify
from bot.core.reply import Action, ActionKind, Reply, Severity
from bot.core.values import clock_time, format_duration
from bot.store import Elevation, ElevationState

WARN_S = 300.0  # the warning with Extend / End now comes this long before the end
BREAK_GLASS = "break-glass:"


def break_glass(user: str) -> str:
    """The approver recorded for what runs under ``user``'s elevation."""
    return f"{BREAK_GLASS}{user}"


def elevate_decision(
    services: Services, who: Principal, seconds: float
) -> tuple[AuthzRequest, Decision]:
    """May ``who`` hold an elevation ``seconds`` long, here and now?"""
    request = build_request(
        services.policies(),
        actor=who.actor,
        usergroups=who.usergroups,
        channel=who.channel,
        action=ELEVATE_ACTION,
        room=None,
        sdkappid=services.grammar.default_app,
        now=services.clock(),
        extra={ELEVATION_SECONDS: str(int(seconds))},
    )
    return request, services.policies().evaluate(request)


async def in_force(services: Services, who: Principal) -> Elevation | None:
    """``who``'s elevation, if it covers a request made now in ``who.channel``."""
    row = await services.store.elevations.active_for(who.actor, services.clock())
    if row is None:
        return None
    if not elevate_decision(services, who, row.until - row.started_at)[1].allowed:
        return None
    return row


def actions(row: Elevation) -> tuple[Action, ...]:
    return (
        Action(ActionKind.EXTEND, f"{ActionKind.EXTEND.value}:{row.id}:{row.nonce}", "Extend"),
        Action(ActionKind.END, f"{ActionKind.END.value}:{row.id}:{row.nonce}", "End now"),
    )


def describe(row: Elevation, now: float) -> str:
    """One line for whoami, App Home and announcements."""
    left = format_duration(max(row.until - now, 0))
    return (
        f"Break-glass elevation #{row.id} until {clock_time(row.until)} ({left} left): {row.reason}"
    )


async def tell(
    services: Services, notify: Notify, row: Elevation, reply: Reply, *, in_thread: bool = True
) -> None:
    """In the elevation's thread, and in the approvals channel when there is one."""
    if in_thread:
        await notify(Notice(row.channel, row.thread, reply))
    where = services.approvals_channel
    if where and where != row.channel:
        await notify(Notice(where, None, replace(reply, actions=())))


async def watch(services: Services, notify: Notify) -> None:
    """The tick's part: warn before the end, end on time (each once, across replicas)."""
    store, now = services.store.elevations, services.clock()
    for row in await store.to_warn(now, WARN_S):
        if await store.claim_warning(row):
            left = format_duration(row.until - now)
            await notify(
                Notice(
                    row.channel,
                    row.thread,
                    Reply(
                        headline=f"Break-glass elevation #{row.id} of {person(row.user_id)} "
                        f"ends in {left}",
                        severity=Severity.WARNING,
                        lines=("Extend it (the policy decides how long) or end it now.",),
                        actions=actions(row),
                    ),
                )
            )
    for row in await store.due(now):
        if await store.end(row, at=now, by=SystemActor.ELEVATION.value, on_time=True):
            chore = Chore(SystemActor.ELEVATION, row.channel, row.thread, f"elevation #{row.id}")
            await _ended(services, notify, row, chore, "its time is up")


async def press(services: Services, notify: Notify, press: Press, kind: ActionKind) -> Reply:
    """Extend or End now, pressed by the elevation's owner only."""
    _, _, rest = press.action_id.partition(":")
    raw_id, _, nonce = rest.partition(":")
    row = await services.store.elevations.get(int(raw_id)) if raw_id.isdigit() else None
    if row is None or not hmac.compare_digest(row.nonce, nonce):
        return await _refuse(services, press, None, "This button is not valid any more.")
    if press.actor != row.user_id:
        why = f"Only {person(row.user_id)} can extend or end their elevation #{row.id}."
        return await _refuse(services, press, row, why)
    now = services.clock()
    if row.state != ElevationState.ACTIVE.value or row.until <= now:
        return await _refuse(services, press, row, f"Elevation #{row.id} is already over.")
    if kind is ActionKind.END:
        if not await services.store.elevations.end(row, at=now, by=press.actor, on_time=False):
            return await _refuse(services, press, row, f"Elevation #{row.id} is already over.")
        return await _ended(services, notify, row, press, f"ended by {person(press.actor)}")
    until = row.until + row.granted_s
    auth = elevate_decision(services, press, until - row.started_at)
    if not auth[1].allowed:
        await _record(services, press, row, Outcome.DENIED, auth=auth)
        total = format_duration(until - row.started_at)
        return Reply(
            headline=f"Not extended: an elevation of {total} is not allowed here",
            severity=Severity.ERROR,
            lines=(f"Decided by: {auth[1].explain()}",),
            private=True,
        )
    if not await services.store.elevations.extend(row, until):
        return await _refuse(services, press, row, f"Elevation #{row.id} changed; look again.")
    await _record(services, press, row, Outcome.EXTENDED, auth=auth)
    extended = await services.store.elevations.get(row.id)
    assert extended is not None  # rows are never deleted
    reply = Reply(
        headline=f"Elevation #{row.id} of {person(row.user_id)} extended to {clock_time(until)}",
        severity=Severity.WARNING,
        lines=(describe(extended, now),),
    )
    await tell(services, notify, extended, reply, in_thread=False)  # the press shows it there
    return reply


async def _ended(
    services: Services, notify: Notify, row: Elevation, by: Press | Chore, why: str
) -> Reply:
    await _record(services, by, row, Outcome.ENDED, note=why)
    reply = Reply(
        headline=f"Break-glass elevation #{row.id} of {person(row.user_id)} is over: {why}",
        severity=Severity.INFO,
        lines=(
            f"Requests that need approval wait for a second person again ({code('approvals')}).",
        ),
    )
    await tell(services, notify, row, reply, in_thread=isinstance(by, Chore))
    return reply


async def _refuse(services: Services, press: Press, row: Elevation | None, why: str) -> Reply:
    await _record(services, press, row, Outcome.REFUSED, note=why)
    return Reply(why, Severity.WARNING, private=True)


async def _record(
    services: Services,
    by: Press | Chore,
    row: Elevation | None,
    outcome: Outcome,
    *,
    auth: tuple[AuthzRequest, Decision] | None = None,
    note: str | None = None,
) -> None:
    await auditing.record(
        services,
        by,
        None,
        auth,
        outcome=outcome,
        text=f"elevation #{row.id}" if row is not None else "elevation",
        note=note,
        elevation_id=row.id if row is not None else None,
    )
