"""Who may decide a request waiting for a second person, and the list of those
a person may decide: the same judgement for a press, the `approvals` command and
App Home."""

from __future__ import annotations

from dataclasses import replace

from bot.authz.decision import Decision
from bot.authz.request import CURRENT_TIME, AuthzRequest
from bot.core.authorizer import Person, build_request, iso_time, room_of
from bot.core.context import Services
from bot.core.spec import Args
from bot.store import Operation, OperationState


def approver_decision(
    services: Services, op: Operation, actor: str, usergroups: frozenset[str]
) -> tuple[AuthzRequest, Decision]:
    """May ``actor`` approve ``op``? Their chatops:Approve on the pending request, under
    the guardrail of the channel the request was made in: wherever the button is pressed
    (the thread, the approvals channel, App Home), that surface cannot widen it."""
    spec = services.grammar.spec(op.command)
    room = room_of(spec, Args.from_json(op.args, spec)) if spec else None
    policies = services.policies()
    pending = build_request(
        policies,
        actor=op.requester,
        usergroups=frozenset(op.requester_groups),
        channel=op.channel,
        action=op.action,
        room=room,
        sdkappid=services.grammar.default_app if room is None else None,
        now=services.clock(),
    )
    approver = policies.approval_request(
        pending,
        user_id=actor,
        usergroups=usergroups,
        channel_id=op.channel,
        context={CURRENT_TIME: iso_time(services.clock())},
    )
    return approver, policies.can_approve(approver, op.requester)


async def waiting(services: Services) -> list[Operation]:
    """Requests waiting for approval that have not expired (the tick closes those)."""
    now = services.clock()
    pending = await services.store.operations.in_state(OperationState.PENDING_APPROVAL)
    return [op for op in pending if op.expires_at > now]


async def decidable_approvals(
    services: Services, user: str, usergroups: frozenset[str]
) -> list[tuple[Operation, Decision]]:
    """Every waiting request but ``user``'s own, with whether they may decide it,
    judged with the guardrail of the channel the request came from."""
    return [
        (op, approver_decision(services, op, user, usergroups)[1])
        for op in await waiting(services)
        if op.requester != user
    ]


def approvable(services: Services, who: Person) -> tuple[str, ...]:
    """The changing commands whose requests ``who`` may approve when someone else asks
    in ``who``'s channel on the default application (what `whoami` calls approving)."""
    policies = services.policies()
    names = []
    for spec in services.registry:
        auth = services.authorize(spec, Args(), who) if spec.preview is not None else None
        if auth is None:
            continue
        asked = replace(auth[0], user_id=_SOMEONE_ELSE, usergroups=frozenset())
        approver = policies.approval_request(
            asked,
            user_id=who.actor,
            usergroups=who.usergroups,
            channel_id=who.channel,
            context={CURRENT_TIME: iso_time(services.clock())},
        )
        if policies.can_approve(approver, _SOMEONE_ELSE).allowed:
            names.append(spec.name)
    return tuple(names)


_SOMEONE_ELSE = "U0SOMEONE-ELSE"  # a requester who is never the approver
