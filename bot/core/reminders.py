"""Approvals that move: a pending request reminds those who may decide it at half its
time to live, and mentions the escalation usergroup (if one is configured) at three
quarters. Each is claimed by one row in ``approval_nudges`` before it is sent, so
with any number of replicas each goes out once (a replica that dies between the
claim and the post loses that one message: at most once, never twice).

Who may decide is found, not guessed: everyone the policy file attaches a policy to
(directly, or through a usergroup's members) for whom ``approver_decision`` allows
it, judged with the guardrail of the request's channel, as a press would be.
"""

from __future__ import annotations

import logging

from bot.core import auditing
from bot.core.actor import Chore, SystemActor
from bot.core.approvals import approver_decision, waiting
from bot.core.auditing import Outcome
from bot.core.buttons import action_id
from bot.core.context import Services
from bot.core.markup import ask, person
from bot.core.notice import Notice, Notify
from bot.core.reply import Action, ActionKind, Reply, Severity
from bot.core.values import format_duration
from bot.store import Operation

log = logging.getLogger(__name__)

REMINDER = "reminder"
ESCALATION = "escalation"
REMIND_AT = 0.5  # of the request's time to live
ESCALATE_AT = 0.75


async def nudge_due(services: Services, notify: Notify) -> int:
    """Send the reminders and escalations that are due; how many were sent here."""
    now, sent = services.clock(), 0
    for op in await waiting(services):
        ttl = op.expires_at - op.created_at
        if now < op.created_at + ttl * REMIND_AT:
            continue
        done = await services.store.nudges.sent(op.id)
        if REMINDER not in done and await _claim(services, op, REMINDER):
            await remind(services, notify, op)
            sent += 1
        escalate = services.escalation_usergroup and now >= op.created_at + ttl * ESCALATE_AT
        if escalate and ESCALATION not in done and await _claim(services, op, ESCALATION):
            await _escalate(services, notify, op)
            sent += 1
    return sent


async def eligible(services: Services, op: Operation) -> list[str]:
    """Who may approve ``op`` now, by policy and usergroups; at most the configured number."""
    users, groups = services.policies().principals()
    candidates = set(users)
    for group in sorted(groups):
        try:
            candidates |= await services.directory.members(group)
        except Exception:  # the directory's own error: remind whoever else is found
            log.warning("members of %s unavailable for a reminder", group, exc_info=True)
    found: list[str] = []
    for user in sorted(candidates - {op.requester}):
        if len(found) >= services.reminder_max_people:
            break
        try:
            usergroups = await services.directory.groups_of(user)
        except Exception:  # not knowing their groups, do not guess they may decide
            log.warning("usergroups of %s unavailable for a reminder", user, exc_info=True)
            continue
        if approver_decision(services, op, user, usergroups)[1].allowed:
            found.append(user)
    return found


async def remind(services: Services, notify: Notify, op: Operation) -> None:
    people = await eligible(services, op)
    left = format_duration(max(op.expires_at - services.clock(), 0))
    buttons = (
        Action(ActionKind.APPROVE, action_id(ActionKind.APPROVE, op), "Approve", True),
        Action(ActionKind.REJECT, action_id(ActionKind.REJECT, op), "Reject"),
    )
    reply = Reply(
        headline=f"Reminder: approval #{op.id} is still waiting: {op.summary}",
        severity=Severity.WARNING,
        lines=(
            f"Requested by {person(op.requester)}; expires in {left}.",
            "Can approve: " + (", ".join(ask(u) for u in people) or "nobody found"),
        ),
        actions=buttons,
    )
    channel, thread = _where(services, op)
    await notify(Notice(channel, thread, reply))
    for user in people:  # a DM each: the channel is easy to miss at 3 a.m.
        await notify(Notice(user, None, reply))
    note = f"reminded {', '.join(people) or 'nobody (none found)'} in {channel}"
    await _record(services, op, Outcome.REMINDED, note)


async def _escalate(services: Services, notify: Notify, op: Operation) -> None:
    group = services.escalation_usergroup
    assert group is not None
    waited = format_duration(services.clock() - op.created_at)
    left = format_duration(max(op.expires_at - services.clock(), 0))
    reply = Reply(
        headline=f"Escalation: approval #{op.id} has waited {waited} with no decision",
        severity=Severity.WARNING,
        lines=(
            f"{ask(group)}: {op.summary}, requested by {person(op.requester)}.",
            f"It expires in {left}.",
        ),
        actions=(
            Action(ActionKind.APPROVE, action_id(ActionKind.APPROVE, op), "Approve", True),
            Action(ActionKind.REJECT, action_id(ActionKind.REJECT, op), "Reject"),
        ),
    )
    channel, thread = _where(services, op)
    await notify(Notice(channel, thread, reply))
    await _record(services, op, Outcome.ESCALATED, f"mentioned {group} in {channel}")


def _where(services: Services, op: Operation) -> tuple[str, str | None]:
    """The approvals channel, else the request's own thread."""
    if services.approvals_channel:
        return services.approvals_channel, None
    return op.channel, op.thread


async def _claim(services: Services, op: Operation, kind: str) -> bool:
    return await services.store.nudges.claim(
        op.id, kind, at=services.clock(), sender=services.instance
    )


async def _record(services: Services, op: Operation, outcome: Outcome, note: str) -> None:
    await auditing.record(
        services,
        Chore(SystemActor.REMINDER, op.channel, op.thread, op.text),
        services.grammar.spec(op.command),
        None,
        outcome=outcome,
        op=op,
        note=note,
    )
