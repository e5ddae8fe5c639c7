"""One audit record per invocation or press, allowed or not."""

from __future__ import annotations

from bot.authz.decision import Decision
from bot.authz.request import AuthzRequest
from bot.core.context import Services
from bot.core.invocation import Invocation, Press
from bot.core.spec import CommandSpec
from bot.metrics import COMMANDS
from bot.trtc.errors import TrtcApiError, TrtcError


async def record(
    services: Services,
    who: Invocation | Press,
    spec: CommandSpec | None,
    auth: tuple[AuthzRequest, Decision] | None,
    *,
    outcome: str,
    text: str | None = None,
    note: str | None = None,
    error: TrtcError | None = None,
    request_ids: tuple[str, ...] | list[str] = (),
    approver: str | None = None,
    operation_id: int | None = None,
) -> None:
    request, decision = auth if auth is not None else (None, None)
    COMMANDS.labels(
        command=spec.name if spec else "unknown",
        decision=decision.effect.value if decision else "none",
        outcome=outcome,
    ).inc()
    error_code = None
    if isinstance(error, TrtcApiError):
        error_code = error.code
    elif error is not None:
        error_code = type(error).__name__
    await services.store.audit.record(
        at=services.clock(),
        actor=who.actor,
        channel=who.channel,
        thread=who.thread,
        origin=who.origin.value,
        text=text if text is not None else (who.text if isinstance(who, Invocation) else ""),
        command=spec.name if spec else None,
        action=request.action if request else None,
        resource=request.resource if request else None,
        decision=decision.effect.value if decision else None,
        reason=decision.reason.value if decision else None,
        policy=decision.policy if decision else None,
        statement=decision.statement if decision else None,
        outcome=outcome,
        approver=approver,
        operation_id=operation_id,
        request_ids=list(request_ids),
        error_code=error_code,
        note=note,
        delivery=who.delivery,
    )
