"""One audit record per invocation, press or piece of the bot's own work, allowed or not."""

from __future__ import annotations

from enum import StrEnum

from bot.authz.decision import Decision
from bot.authz.request import AuthzRequest
from bot.core.actor import Chore, SystemActor
from bot.core.buttons import parse_action_id
from bot.core.context import Services
from bot.core.invocation import Invocation, Press
from bot.core.spec import CommandSpec
from bot.metrics import COMMANDS
from bot.store import Operation
from bot.trtc.errors import TrtcError


class Outcome(StrEnum):
    """What came of it, as stored in the audit's ``outcome`` column."""

    OK = "ok"  # a command that needs no confirmation ran
    DENIED = "denied"
    BAD_INPUT = "bad_input"
    AWAITING_CONFIRM = "awaiting_confirm"
    NEEDS_APPROVAL = "needs_approval"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # some of it happened: the reply and the operation say what
    FAILED = "failed"
    UNKNOWN = "unknown"  # TRTC may or may not have done it (a transport error mid-run)
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    REFUSED = "refused"  # a press that changed nothing
    NOT_RUN = "not_run"  # the adapter could not hand it to the core
    UNDELIVERED = "undelivered"  # its result could not be shown where it belongs (see note)
    ERROR = "error"  # a bug: the reply carried a reference
    UNDONE = "undone"
    UNDO_FAILED = "undo_failed"
    EXPIRED = "expired"
    RECOVERED_SUCCEEDED = "recovered:succeeded"
    RECOVERED_UNKNOWN = "recovered:unknown"
    EXTENDED = "extended"  # a break-glass elevation made longer
    ENDED = "ended"  # a break-glass elevation over (on time, or ended by its owner)
    REMINDED = "reminded"  # a pending approval's approvers reminded
    ESCALATED = "escalated"  # a pending approval's escalation usergroup told
    CUSTODY = "custody"  # a recording's final record: who, why, TaskId, RequestIds, files


async def record(
    services: Services,
    who: Invocation | Press | Chore,
    spec: CommandSpec | None,
    auth: tuple[AuthzRequest, Decision] | None,
    *,
    outcome: Outcome,
    op: Operation | None = None,
    text: str | None = None,
    note: str | None = None,
    error: TrtcError | None = None,
    request_ids: tuple[str, ...] | list[str] = (),
    approver: str | None = None,
    elevation_id: int | None = None,
) -> None:
    """``op``, when the record is about a stored operation, gives its id, its text,
    its break-glass elevation and (where nothing was authorized now) the action and
    resource it was asked for."""
    request, decision = auth if auth is not None else (None, None)
    COMMANDS.labels(
        command=spec.name if spec else "unknown",
        decision=decision.effect.value if decision else "none",
        outcome=outcome.value,
    ).inc()
    if text is None:
        text = _what(who, op)
    await services.store.audit.record(
        at=services.clock(),
        actor=str(who.actor),
        channel=who.channel,
        thread=who.thread,
        origin=who.origin.value,
        text=text,
        command=spec.name if spec else None,
        action=request.action if request else (op.action if op else None),
        resource=request.resource if request else (op.resource if op else None),
        decision=decision.effect.value if decision else None,
        reason=decision.reason.value if decision else None,
        policy=decision.policy if decision else None,
        statement=decision.statement if decision else None,
        outcome=outcome.value,
        approver=approver,
        operation_id=op.id if op is not None else None,
        request_ids=list(request_ids),
        error_code=error.code if error is not None else None,
        note=note,
        delivery=who.delivery,
        elevation_id=elevation_id if elevation_id is not None else (op and op.elevation_id),
    )


def _what(who: Invocation | Press | Chore, op: Operation | None) -> str:
    """The record's text: what a person typed; a press as a press ("pressed Cancel on
    #12: dismiss 1234"), never as if the presser had typed the command; an expiry as one."""
    if isinstance(who, Press):
        parsed = parse_action_id(who.action_id)
        button = parsed[0].value.capitalize() if parsed is not None else "a button"
        return f"pressed {button} on #{op.id}: {op.text}" if op is not None else f"pressed {button}"
    if op is not None and isinstance(who, Chore) and who.actor is SystemActor.EXPIRY:
        return f"#{op.id} expired unanswered: {op.text}"
    return who.text
