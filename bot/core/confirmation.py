"""Asking before harm: a mutating command becomes a stored operation that waits for
its requester's Confirm or, where the policy says so, a second person's approval.

The operation is stored before anyone can press its buttons, so every press finds
it (see ``presses``); nothing runs on TRTC here but the preview's reads.
"""

from __future__ import annotations

import secrets

from bot.authz.decision import Decision
from bot.authz.request import AuthzRequest
from bot.core import auditing
from bot.core.auditing import Outcome
from bot.core.buttons import action_id
from bot.core.context import Context
from bot.core.elevation import break_glass
from bot.core.grammar import Parsed
from bot.core.markup import ask, code, person
from bot.core.replies import reason_fields
from bot.core.reply import Action, ActionKind, Reply, Severity
from bot.core.values import format_duration
from bot.store import Elevation, Operation, OperationState


async def request_confirmation(
    ctx: Context,
    parsed: Parsed,
    request: AuthzRequest,
    decision: Decision,
    *,
    elevation: Elevation | None = None,
) -> Reply:
    """``elevation``: the requester's break-glass window, standing in for an approver."""
    op, lines = await _stored(
        ctx, parsed, (request, decision), OperationState.AWAITING_CONFIRM, elevation
    )
    summary = op.summary
    ttl = format_duration(ctx.services.confirm_ttl_s)
    if elevation is not None:
        lines.append(
            f"Break-glass elevation #{elevation.id}: this needs a second person's approval "
            f"({decision.explain()}); it runs on your confirmation alone, recorded as "
            f"approved by {break_glass(op.requester)}."
        )
    return Reply(
        headline=f"Confirm: {summary}?",
        severity=Severity.WARNING,
        lines=(*lines, f"Only {ask(op.requester)} can confirm; this expires in {ttl}."),
        fields=reason_fields(op),
        actions=(
            Action(ActionKind.CONFIRM, action_id(ActionKind.CONFIRM, op), "Confirm", True),
            Action(ActionKind.CANCEL, action_id(ActionKind.CANCEL, op), "Cancel"),
        ),
        operation_id=op.id,
    )


async def request_approval(
    ctx: Context, parsed: Parsed, request: AuthzRequest, decision: Decision
) -> Reply:
    op, lines = await _stored(ctx, parsed, (request, decision), OperationState.PENDING_APPROVAL)
    summary = op.summary
    ttl = format_duration(ctx.services.approval_ttl_s)
    return Reply(
        headline=f"Approval needed #{op.id}: {summary}",
        severity=Severity.WARNING,
        lines=(
            *lines,
            f"Policy requires a second person: {decision.explain()}.",
            f"Anyone allowed chatops:Approve (not {person(op.requester)}) can approve; "
            f"expires in {ttl}.",
        ),
        fields=(("Requested by", person(op.requester)), *reason_fields(op)),
        actions=(
            Action(ActionKind.APPROVE, action_id(ActionKind.APPROVE, op), "Approve", True),
            Action(ActionKind.REJECT, action_id(ActionKind.REJECT, op), "Reject"),
            Action(ActionKind.CANCEL, action_id(ActionKind.CANCEL, op), "Cancel"),
        ),
        operation_id=op.id,
        notify_approvers=True,
    )


async def _stored(
    ctx: Context,
    parsed: Parsed,
    auth: tuple[AuthzRequest, Decision],
    state: OperationState,
    elevation: Elevation | None = None,
) -> tuple[Operation, list[str]]:
    """Preview (TRTC reads), store the operation, put the request on the record."""
    summary, lines = await _preview(ctx, parsed)
    op = await _create(ctx, parsed, auth[0], state, summary, elevation)
    outcome = (
        Outcome.AWAITING_CONFIRM
        if state is OperationState.AWAITING_CONFIRM
        else Outcome.NEEDS_APPROVAL
    )
    await auditing.record(ctx.services, ctx.invocation, parsed.spec, auth, outcome=outcome, op=op)
    return op, lines


async def _preview(ctx: Context, parsed: Parsed) -> tuple[str, list[str]]:
    if parsed.spec.preview is not None:
        return await parsed.spec.preview(ctx, parsed.args)
    return f"run {code(ctx.invocation.text)}", []


async def _create(
    ctx: Context,
    parsed: Parsed,
    request: AuthzRequest,
    state: OperationState,
    summary: str,
    elevation: Elevation | None,
) -> Operation:
    services, inv = ctx.services, ctx.invocation
    now = services.clock()
    ttl = (
        services.confirm_ttl_s
        if state is OperationState.AWAITING_CONFIRM
        else services.approval_ttl_s
    )
    return await services.store.operations.create(
        nonce=secrets.token_hex(8),
        state=state.value,
        requester=inv.actor,
        requester_groups=sorted(inv.usergroups),
        channel=inv.channel,
        thread=inv.thread,
        origin=inv.origin.value,
        command=parsed.spec.name,
        text=inv.text,
        args=parsed.args.to_json(),
        reason=parsed.args.get("reason"),
        action=request.action,
        resource=request.resource,
        summary=summary,
        created_at=now,
        expires_at=now + ttl,
        delivery=inv.delivery,
        elevation_id=elevation.id if elevation is not None else None,
    )
