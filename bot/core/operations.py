"""Confirm before harm, approvals, undo and expiry: the operation state machine.

An operation is stored before anyone can press its buttons, and every state
change is one conditional UPDATE (``Operations.transition``): two presses, two
replicas or a redelivered payload can race, and exactly one of them wins.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import replace

from bot.authz.decision import Decision, Effect, Reason
from bot.authz.request import CURRENT_TIME, AuthzRequest
from bot.core import auditing, replies
from bot.core.authorizer import authorize, build_request, iso_time, room_of
from bot.core.context import Context, Services
from bot.core.grammar import Parsed
from bot.core.invocation import Invocation, Origin, Press
from bot.core.notice import Notice, Notify
from bot.core.reply import Action, ActionKind, Reply, Severity
from bot.core.spec import Args, CommandSpec
from bot.core.values import format_duration
from bot.store import Operation, OperationState
from bot.trtc.errors import TrtcApiError, TrtcError, TrtcTransportError

log = logging.getLogger(__name__)
OPEN = (OperationState.AWAITING_CONFIRM, OperationState.PENDING_APPROVAL)


def action_id(kind: ActionKind, op: Operation) -> str:
    return f"{kind.value}:{op.id}:{op.nonce}"


def parse_action_id(value: str) -> tuple[ActionKind, int, str] | None:
    kind, _, rest = value.partition(":")
    op_id, _, nonce = rest.partition(":")
    try:
        return ActionKind(kind), int(op_id), nonce
    except ValueError:
        return None


class OperationFlow:
    def __init__(self, services: Services, notify: Notify) -> None:
        self.services = services
        self._notify = notify

    # -- creating operations -------------------------------------------------

    async def request_confirmation(
        self, ctx: Context, parsed: Parsed, request: AuthzRequest, decision: Decision
    ) -> Reply:
        summary, lines = await self._preview(ctx, parsed)
        op = await self._create(ctx, parsed, request, OperationState.AWAITING_CONFIRM, summary)
        await auditing.record(
            self.services,
            ctx.invocation,
            parsed.spec,
            (request, decision),
            outcome="awaiting_confirm",
            operation_id=op.id,
        )
        ttl = format_duration(self.services.confirm_ttl_s)
        return Reply(
            headline=f"Confirm: {summary}?",
            severity=Severity.WARNING,
            lines=(*lines, f"Only {op.requester} can confirm; this expires in {ttl}."),
            fields=_reason_field(op),
            actions=(
                Action(ActionKind.CONFIRM, action_id(ActionKind.CONFIRM, op), "Confirm", True),
                Action(ActionKind.CANCEL, action_id(ActionKind.CANCEL, op), "Cancel"),
            ),
            operation_id=op.id,
        )

    async def request_approval(
        self, ctx: Context, parsed: Parsed, request: AuthzRequest, decision: Decision
    ) -> Reply:
        summary, lines = await self._preview(ctx, parsed)
        op = await self._create(ctx, parsed, request, OperationState.PENDING_APPROVAL, summary)
        await auditing.record(
            self.services,
            ctx.invocation,
            parsed.spec,
            (request, decision),
            outcome="needs_approval",
            operation_id=op.id,
        )
        ttl = format_duration(self.services.approval_ttl_s)
        return Reply(
            headline=f"Approval needed #{op.id}: {summary}",
            severity=Severity.WARNING,
            lines=(
                *lines,
                f"Policy requires a second person: {decision.explain()}.",
                f"Anyone allowed chatops:Approve (not {op.requester}) can approve; "
                f"expires in {ttl}.",
            ),
            fields=(("Requested by", op.requester), *_reason_field(op)),
            actions=(
                Action(ActionKind.APPROVE, action_id(ActionKind.APPROVE, op), "Approve", True),
                Action(ActionKind.REJECT, action_id(ActionKind.REJECT, op), "Reject"),
                Action(ActionKind.CANCEL, action_id(ActionKind.CANCEL, op), "Cancel"),
            ),
            operation_id=op.id,
            notify_approvers=True,
        )

    async def _preview(self, ctx: Context, parsed: Parsed) -> tuple[str, list[str]]:
        if parsed.spec.preview is not None:
            return await parsed.spec.preview(ctx, parsed.args)
        return f"run `{ctx.invocation.text}`", []

    async def _create(
        self,
        ctx: Context,
        parsed: Parsed,
        request: AuthzRequest,
        state: OperationState,
        summary: str,
    ) -> Operation:
        inv, now = ctx.invocation, self.services.clock()
        ttl = (
            self.services.confirm_ttl_s
            if state is OperationState.AWAITING_CONFIRM
            else self.services.approval_ttl_s
        )
        return await self.services.store.operations.create(
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
        )

    # -- presses ---------------------------------------------------------------

    async def press(self, press: Press) -> Reply:
        parsed_id = parse_action_id(press.action_id)
        op = await self.services.store.operations.get(parsed_id[1]) if parsed_id else None
        if parsed_id is None or op is None or not hmac.compare_digest(op.nonce, parsed_id[2]):
            return await self._refuse(press, None, "This button is not valid any more.")
        kind = parsed_id[0]
        if kind is ActionKind.UNDO:
            return await self._undo(press, op)
        if op.status in OPEN and self.services.clock() >= op.expires_at:
            await self.services.store.operations.transition(
                op.id, [op.status], OperationState.EXPIRED, decided_at=self.services.clock()
            )
            await self._refuse(press, op, "expired before anyone acted")
            return self._closed(op, "expired before anyone acted", Severity.WARNING)
        if op.status not in OPEN:
            return await self._refuse(press, op, f"#{op.id} is already {op.status.value}.")
        if kind is ActionKind.CONFIRM:
            return await self._confirm(press, op)
        if kind is ActionKind.CANCEL:
            return await self._cancel(press, op)
        return await self._decide(press, op, approve=kind is ActionKind.APPROVE)

    async def _confirm(self, press: Press, op: Operation) -> Reply:
        if press.actor != op.requester:
            return await self._refuse(
                press, op, f"Only {op.requester}, who asked for this, can confirm it."
            )
        if op.status is not OperationState.AWAITING_CONFIRM:
            return await self._refuse(
                press, op, f"#{op.id} waits for an approver, not a confirmation."
            )
        won = await self.services.store.operations.transition(
            op.id,
            [OperationState.AWAITING_CONFIRM],
            OperationState.EXECUTING,
            decided_by=press.actor,
            decided_at=self.services.clock(),
            executor=self.services.instance,
        )
        if not won:
            return await self._refuse(press, op, f"#{op.id} is already being handled.")
        return await self._execute(op, press, approver=None)

    async def _cancel(self, press: Press, op: Operation) -> Reply:
        if press.actor != op.requester:
            return await self._refuse(
                press, op, f"Only {op.requester}, who asked for this, can cancel it."
            )
        won = await self.services.store.operations.transition(
            op.id,
            OPEN,
            OperationState.CANCELLED,
            decided_by=press.actor,
            decided_at=self.services.clock(),
        )
        if not won:
            return await self._refuse(press, op, f"#{op.id} is already being handled.")
        await auditing.record(
            self.services,
            press,
            self._spec(op),
            None,
            outcome="cancelled",
            text=op.text,
            operation_id=op.id,
        )
        return self._closed(op, f"cancelled by {press.actor}", Severity.INFO)

    async def _decide(self, press: Press, op: Operation, *, approve: bool) -> Reply:
        if op.status is not OperationState.PENDING_APPROVAL:
            return await self._refuse(
                press, op, f"#{op.id} needs its requester's confirmation, not approval."
            )
        approver, decision = approver_decision(
            self.services, op, press.actor, press.usergroups, press.channel
        )
        if not decision.allowed:
            await auditing.record(
                self.services,
                press,
                self._spec(op),
                (approver, decision),
                outcome="denied",
                text=op.text,
                operation_id=op.id,
            )
            if decision.reason is Reason.SELF_APPROVAL:
                return replies.private("You cannot approve or reject your own request.")
            return replies.private(
                f"You may not approve #{op.id}: {decision.explain()}.", Severity.ERROR
            )
        target = OperationState.EXECUTING if approve else OperationState.REJECTED
        won = await self.services.store.operations.transition(
            op.id,
            [OperationState.PENDING_APPROVAL],
            target,
            decided_by=press.actor,
            decided_at=self.services.clock(),
            executor=self.services.instance if approve else None,
        )
        if not won:
            return await self._refuse(press, op, f"#{op.id} is already being handled.")
        if approve:
            return await self._execute(op, press, approver=press.actor)
        await auditing.record(
            self.services,
            press,
            self._spec(op),
            (approver, decision),
            outcome="rejected",
            text=op.text,
            approver=press.actor,
            operation_id=op.id,
        )
        return self._closed(op, f"rejected by {press.actor}", Severity.INFO)

    # -- execution ---------------------------------------------------------------

    async def _execute(self, op: Operation, press: Press, *, approver: str | None) -> Reply:
        """Run an operation this caller has moved to ``executing``: once, with its
        original arguments, re-checking the policy in force now."""
        spec, args = self._spec(op), self._args(op)
        store = self.services.store.operations
        inv = self._requester_invocation(op)
        auth = authorize(
            self.services.policies(),
            spec,
            args,
            actor=op.requester,
            usergroups=inv.usergroups,
            channel=op.channel,
            now=self.services.clock(),
            default_app=self.services.grammar.default_app,
            approved=approver is not None,
        )
        if auth is not None and auth[1].effect is not Effect.ALLOW:
            await store.transition(
                op.id,
                [OperationState.EXECUTING],
                OperationState.FAILED,
                outcome="the policy in force no longer allows it",
            )
            await self._audit_outcome(press, op, auth, "denied", approver)
            return replies.denied(spec, auth[0], auth[1])
        ctx = Context(self.services, inv, approved_by=approver, operation_id=op.id)
        try:
            reply = await spec.run(ctx, args)
        except TrtcTransportError as exc:
            await store.transition(
                op.id,
                [OperationState.EXECUTING],
                OperationState.UNKNOWN,
                outcome=str(exc),
                error_code=type(exc).__name__,
            )
            await self._audit_outcome(press, op, auth, "unknown", approver, error=exc)
            failure = replies.trtc_failure(exc)
            return replace(
                failure,
                headline=f"#{op.id} outcome unknown — check before retrying",
                operation_id=op.id,
            )
        except TrtcError as exc:
            code = exc.code if isinstance(exc, TrtcApiError) else type(exc).__name__
            await store.transition(
                op.id,
                [OperationState.EXECUTING],
                OperationState.FAILED,
                outcome=str(exc),
                error_code=code,
            )
            await self._audit_outcome(press, op, auth, "failed", approver, error=exc)
            failure = replies.trtc_failure(exc)
            return replace(
                failure, headline=f"#{op.id} failed: {failure.headline}", operation_id=op.id
            )
        except Exception:
            await store.transition(
                op.id,
                [OperationState.EXECUTING],
                OperationState.UNKNOWN,
                outcome="unexpected error",
            )
            raise
        await store.transition(
            op.id,
            [OperationState.EXECUTING],
            OperationState.SUCCEEDED,
            outcome=reply.headline,
            request_ids=list(reply.request_ids),
        )
        await self._audit_outcome(press, op, auth, "succeeded", approver, reply.request_ids)
        who = (
            f"Requested by {op.requester}, approved by {approver}."
            if approver
            else f"Confirmed by {op.requester}."
        )
        actions = reply.actions
        if spec.undo is not None:
            actions = (*actions, Action(ActionKind.UNDO, action_id(ActionKind.UNDO, op), "Undo"))
        return replace(reply, lines=(*reply.lines, who), operation_id=op.id, actions=actions)

    async def _audit_outcome(
        self,
        press: Press,
        op: Operation,
        auth: tuple[AuthzRequest, Decision] | None,
        outcome: str,
        approver: str | None,
        request_ids: tuple[str, ...] = (),
        error: TrtcError | None = None,
    ) -> None:
        await auditing.record(
            self.services,
            press,
            self._spec(op),
            auth,
            outcome=outcome,
            text=op.text,
            approver=approver,
            operation_id=op.id,
            request_ids=request_ids,
            error=error,
        )

    async def _undo(self, press: Press, op: Operation) -> Reply:
        spec, args = self._spec(op), self._args(op)
        if spec.undo is None or op.status is not OperationState.SUCCEEDED:
            return await self._refuse(
                press, op, f"#{op.id} cannot be undone (it is {op.status.value})."
            )
        auth = authorize(
            self.services.policies(),
            spec,
            args,
            actor=press.actor,
            usergroups=press.usergroups,
            channel=press.channel,
            now=self.services.clock(),
            default_app=self.services.grammar.default_app,
        )
        if auth is not None and auth[1].effect is not Effect.ALLOW:
            await self._audit_outcome(press, op, auth, "denied", None)
            return replies.private(f"You may not undo #{op.id}: {auth[1].explain()}.")
        won = await self.services.store.operations.transition(
            op.id,
            [OperationState.SUCCEEDED],
            OperationState.UNDONE,
            decided_by=press.actor,
            decided_at=self.services.clock(),
        )
        if not won:
            return await self._refuse(press, op, f"#{op.id} was already undone.")
        ctx = Context(self.services, self._press_invocation(press, op), operation_id=op.id)
        try:
            reply = await spec.undo(ctx, args)
        except TrtcError as exc:
            await self._audit_outcome(press, op, auth, "undo_failed", None, error=exc)
            return replace(replies.trtc_failure(exc), operation_id=op.id)
        await self._audit_outcome(press, op, auth, "undone", None, reply.request_ids)
        return replace(reply, lines=(*reply.lines, f"Undone by {press.actor}."), operation_id=op.id)

    async def _refuse(self, press: Press, op: Operation | None, why: str) -> Reply:
        """A press that changes nothing is still on the record, with why."""
        await auditing.record(
            self.services,
            press,
            self.services.grammar.spec(op.command) if op is not None else None,
            None,
            outcome="refused",
            text=op.text if op is not None else press.action_id.partition(":")[0],
            note=why,
            operation_id=op.id if op is not None else None,
        )
        return replies.private(why)

    # -- expiry ----------------------------------------------------------------

    async def expire_due(self) -> None:
        for op in await self.services.store.operations.expire_due(self.services.clock()):
            reply = self._closed(op, "expired before anyone acted", Severity.WARNING)
            await self._notify(Notice(op.channel, op.thread, reply))

    # -- helpers -----------------------------------------------------------------

    def _spec(self, op: Operation) -> CommandSpec:
        spec = self.services.grammar.spec(op.command)
        if spec is None:  # a command removed since the operation was stored
            raise LookupError(f"operation #{op.id} names unknown command {op.command!r}")
        return spec

    def _args(self, op: Operation) -> Args:
        return Args.from_json(op.args, self._spec(op))

    def _requester_invocation(self, op: Operation) -> Invocation:
        return Invocation(
            actor=op.requester,
            channel=op.channel,
            text=op.text,
            origin=Origin(op.origin),
            usergroups=frozenset(op.requester_groups),
            thread=op.thread,
        )

    def _press_invocation(self, press: Press, op: Operation) -> Invocation:
        return Invocation(
            actor=press.actor,
            channel=press.channel,
            text=op.text,
            origin=press.origin,
            usergroups=press.usergroups,
            thread=press.thread or op.thread,
        )

    def _closed(self, op: Operation, what: str, severity: Severity) -> Reply:
        return Reply(
            headline=f"#{op.id} {what}: {op.summary}",
            severity=severity,
            fields=(("Requested by", op.requester), *_reason_field(op)),
            operation_id=op.id,
        )


def _reason_field(op: Operation) -> tuple[tuple[str, str], ...]:
    return (("Reason", op.reason),) if op.reason else ()


def approver_decision(
    services: Services, op: Operation, actor: str, usergroups: frozenset[str], channel: str
) -> tuple[AuthzRequest, Decision]:
    """May ``actor`` approve ``op``? Their chatops:Approve on the pending request."""
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
        channel_id=channel,
        context={CURRENT_TIME: iso_time(services.clock())},
    )
    return approver, policies.can_approve(approver, op.requester)
