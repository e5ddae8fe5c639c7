"""Whether a stored operation may still run: judged when it runs, not when it was asked.

Between a request and its confirmation or approval, someone may have been moved out
of a usergroup or the policy reloaded. So at execution the requester's and the
approver's usergroups are read again from the directory and both decisions made
afresh; a directory that cannot answer runs nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.authz.decision import Decision, Effect
from bot.authz.request import AuthzRequest
from bot.core.approvals import approver_decision
from bot.core.context import Services
from bot.core.elevation import in_force
from bot.core.invocation import Invocation, Origin
from bot.core.markup import person
from bot.core.spec import Args, CommandSpec
from bot.store import Operation

log = logging.getLogger(__name__)

Auth = tuple[AuthzRequest, Decision]


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a stored operation may not run now, with the decision that says so."""

    why: str
    auth: Auth | None


def requester_of(op: Operation) -> Invocation:
    """The operation's request as it was typed: whom a run is authorized as."""
    return Invocation(
        actor=op.requester,
        channel=op.channel,
        text=op.text,
        origin=Origin(op.origin),
        usergroups=frozenset(op.requester_groups),
        thread=op.thread,
    )


async def current_groups(services: Services, user: str) -> frozenset[str] | None:
    """``user``'s usergroups now; None when the directory cannot say, and then nothing
    runs (a deny attached to a group must not be skipped because Slack was slow)."""
    try:
        return await services.directory.groups_of(user)
    except Exception:  # the directory's own error (Slack's is DirectoryError)
        log.warning("usergroups of %s unavailable at execution", user, exc_info=True)
        return None


async def standing(
    services: Services, op: Operation, spec: CommandSpec, args: Args, approver: str | None
) -> tuple[Invocation, Auth | None] | Refusal:
    """Whom ``op`` runs as, with its authorization, if its requester (and ``approver``)
    still have the right with their usergroups and the policy as they are now."""
    if op.elevation_id is not None:
        return await _under_elevation(services, op, spec, args)
    groups = await current_groups(services, op.requester)
    approver_groups = await current_groups(services, approver) if approver else frozenset()
    if groups is None or approver_groups is None:
        unread = op.requester if groups is None else approver
        return Refusal(f"the usergroups of {unread} could not be read", None)
    requester = replace(requester_of(op), usergroups=groups)
    auth = services.authorize(spec, args, requester, approved=approver is not None)
    if auth is not None and auth[1].effect is not Effect.ALLOW:
        return Refusal(f"{person(op.requester)} may no longer do this: {auth[1].explain()}", auth)
    if approver is not None:
        approval = approver_decision(services, op, approver, approver_groups)
        if not approval[1].allowed:
            why = f"{approver} may no longer approve it: {approval[1].explain()}"
            return Refusal(why, approval)
    return requester, auth


async def _under_elevation(
    services: Services, op: Operation, spec: CommandSpec, args: Args
) -> tuple[Invocation, Auth | None] | Refusal:
    """Asked under a break-glass elevation: it runs as approved only while that same
    elevation is still in force for the requester here, and never past a deny."""
    groups = await current_groups(services, op.requester)
    if groups is None:
        return Refusal(f"the usergroups of {op.requester} could not be read", None)
    requester = replace(requester_of(op), usergroups=groups)
    row = await in_force(services, requester)
    if row is None or row.id != op.elevation_id:
        why = (
            f"break-glass elevation #{op.elevation_id} is over; "
            "ask again for a second person's approval"
        )
        return Refusal(why, None)
    auth = services.authorize(spec, args, requester, approved=True)
    if auth is not None and auth[1].effect is not Effect.ALLOW:
        return Refusal(f"{person(op.requester)} may no longer do this: {auth[1].explain()}", auth)
    return requester, auth
