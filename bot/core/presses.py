"""Button presses on an operation: Confirm, Cancel, Approve, Reject and Undo.

Every state change is one conditional UPDATE (``Operations.transition``): two
presses, two replicas or a redelivered payload can race, and exactly one of them
wins; the winner hands the run to ``Execution``.
"""

from __future__ import annotations

import hmac

from bot.authz.decision import Reason
from bot.core import replies
from bot.core.actor import SystemActor
from bot.core.approvals import approver_decision
from bot.core.auditing import Outcome
from bot.core.buttons import parse_action_id
from bot.core.execution import Execution, chore, refuse, spec_of
from bot.core.invocation import Press
from bot.core.markup import person
from bot.core.replies import not_undoable
from bot.core.reply import ActionKind, Reply, Severity
from bot.store import Operation, OperationState

OPEN = (OperationState.AWAITING_CONFIRM, OperationState.PENDING_APPROVAL)
EXPIRED = "expired before anyone acted"


class Presses:
    def __init__(self, execution: Execution) -> None:
        self.execution = execution
        self.services = execution.services

    async def press(self, press: Press) -> Reply:
        services = self.services
        parsed_id = parse_action_id(press.action_id)
        op = await services.store.operations.get(parsed_id[1]) if parsed_id else None
        if parsed_id is None or op is None or not hmac.compare_digest(op.nonce, parsed_id[2]):
            return await refuse(services, press, None, "This button is not valid any more.")
        kind = parsed_id[0]
        if kind is ActionKind.UNDO:
            return await self._undo(press, op)
        if op.status in OPEN and services.clock() >= op.expires_at:
            if await services.store.operations.transition(
                op.id, [op.status], OperationState.EXPIRED, decided_at=services.clock()
            ):  # the expiry is the bot's; the press that found it is refused
                await self.execution.record(chore(SystemActor.EXPIRY, op), op, Outcome.EXPIRED)
            await refuse(services, press, op, EXPIRED)
            return replies.closed(op, EXPIRED, Severity.WARNING)
        if op.status not in OPEN:
            return await refuse(services, press, op, f"#{op.id} is already {op.status.value}.")
        if kind is ActionKind.CONFIRM:
            return await self._confirm(press, op)
        if kind is ActionKind.CANCEL:
            return await self._cancel(press, op)
        return await self._decide(press, op, approve=kind is ActionKind.APPROVE)

    async def _confirm(self, press: Press, op: Operation) -> Reply:
        if press.actor != op.requester:
            return await self._refuse(
                press,
                op,
                f"Only {person(op.requester)}, who asked for this, can confirm it.",
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
        return await self.execution.run(op, press, approver=None)

    async def _cancel(self, press: Press, op: Operation) -> Reply:
        if press.actor != op.requester:
            return await self._refuse(
                press, op, f"Only {person(op.requester)}, who asked for this, can cancel it."
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
        await self.execution.record(press, op, Outcome.CANCELLED)
        return replies.closed(op, f"cancelled by {person(press.actor)}", Severity.INFO)

    async def _decide(self, press: Press, op: Operation, *, approve: bool) -> Reply:
        if op.status is not OperationState.PENDING_APPROVAL:
            return await self._refuse(
                press,
                op,
                f"#{op.id} needs its requester's confirmation, not approval.",
            )
        auth = approver_decision(self.services, op, press.actor, press.usergroups)
        decision = auth[1]
        if not decision.allowed:
            await self.execution.record(press, op, Outcome.DENIED, auth=auth)
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
            return await self.execution.run(op, press, approver=press.actor)
        await self.execution.record(press, op, Outcome.REJECTED, auth=auth, approver=press.actor)
        return replies.closed(op, f"rejected by {person(press.actor)}", Severity.INFO)

    async def _refuse(self, press: Press, op: Operation, why: str) -> Reply:
        return await refuse(self.services, press, op, why)

    async def _undo(self, press: Press, op: Operation) -> Reply:
        if spec_of(self.services, op).undo is None or op.status is not OperationState.SUCCEEDED:
            return await self._refuse(press, op, not_undoable(op))
        return (await self.execution.undo(op, press)).reply
