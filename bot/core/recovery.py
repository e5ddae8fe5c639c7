"""Operations a crashed process left ``executing`` are resolved, never re-run.

An operation is stranded once the replica executing it stopped beating (see
``bot.store.replicas``), or, whoever ran it, once it has been executing for
longer than any run can take (every retry of every TRTC call timed out).
Whoever claims it first — this process at start-up, or any replica's tick —
checks TRTC where the command
can tell (a kicked user is gone, a dismissed room is not live) and otherwise
reports "outcome unknown — check before retrying" in the requester's thread.
Either way the verdict is on the record as ``system:recovery``. A replica never
resolves its own operations: while it lives, it is still running them, however
long a TRTC call or a stalled heartbeat makes that look.
"""

from __future__ import annotations

import logging

from bot.core.actor import SystemActor
from bot.core.auditing import Outcome
from bot.core.context import Context, Services
from bot.core.execution import Execution, chore
from bot.core.markup import code
from bot.core.reply import Reply, Severity
from bot.core.spec import Args
from bot.core.standing import requester_of
from bot.metrics import TAKEOVERS
from bot.store import Operation, OperationState
from bot.trtc.errors import TrtcError

log = logging.getLogger(__name__)


def stranded_after(services: Services) -> float:
    """Longer than the slowest possible run: every attempt of several calls timing out."""
    transport = services.trtc.transport
    return 3 * transport.timeout_s * transport.max_attempts + 60


async def recover(execution: Execution) -> int:
    services = execution.services
    ops = services.store.operations
    recovered = 0
    now = services.clock()
    for op in await ops.stranded(now - stranded_after(services), now):
        if op.executor == services.instance:
            continue  # ours, and we are alive: the run is slow, not stranded
        verdict = await _check(services, op)
        state = OperationState.SUCCEEDED if verdict else OperationState.UNKNOWN
        outcome = (
            "took effect (checked against TRTC after a restart)"
            if verdict
            else "outcome unknown after a restart: check before retrying"
        )
        if not await ops.transition(op.id, [OperationState.EXECUTING], state, outcome=outcome):
            continue  # another replica resolved it
        recovered += 1
        TAKEOVERS.labels(kind="operation").inc()
        log.warning("operation #%s was left executing: %s", op.id, outcome)
        await execution.announce(
            chore(SystemActor.RECOVERY, op),
            op,
            Outcome.RECOVERED_SUCCEEDED if verdict else Outcome.RECOVERED_UNKNOWN,
            _reply(op, verdict, outcome),
            note=outcome,
            approver=op.decided_by,
        )
    return recovered


async def _check(services: Services, op: Operation) -> bool | None:
    spec = services.grammar.spec(op.command)
    if spec is None or spec.verify is None:
        return None
    try:
        return await spec.verify(Context(services, requester_of(op)), Args.from_json(op.args, spec))
    except TrtcError as exc:
        log.warning("could not check operation #%s against TRTC: %s", op.id, exc)
        return None


def _reply(op: Operation, verdict: bool | None, outcome: str) -> Reply:
    if verdict:
        return Reply(
            headline=f"#{op.id} {op.summary}: done",
            severity=Severity.SUCCESS,
            lines=(f"The bot restarted while running it; TRTC shows it {outcome.split(' (')[0]}.",),
            operation_id=op.id,
        )
    return Reply(
        headline=f"#{op.id} {op.summary}: outcome unknown — check before retrying",
        severity=Severity.WARNING,
        lines=(
            "The bot restarted while running it and TRTC cannot tell whether it took effect.",
            f"Check with {code('users')} or {code('rooms')}, "
            f"then run {code(op.text)} again if needed.",
        ),
        operation_id=op.id,
    )
