"""The replies every command shares: bad input, refusals, TRTC failures, surprises,
and an operation that closed without running."""

from __future__ import annotations

from dataclasses import replace

from bot.authz.decision import Decision, Effect, Reason
from bot.authz.request import AuthzRequest
from bot.core.actor import SystemActor
from bot.core.grammar import ParseError
from bot.core.hints import edition_refusal, hint_for, is_edition_refusal
from bot.core.markup import code, person
from bot.core.reply import Reply, Severity
from bot.core.spec import CommandSpec
from bot.editions import HistoryTerms
from bot.store import Operation, OperationState
from bot.trtc.errors import (
    TrtcApiError,
    TrtcError,
    TrtcLimitError,
    TrtcOutcomeUnknown,
    TrtcTransportError,
)


def bad_input(exc: ParseError) -> Reply:
    lines: tuple[str, ...] = ()
    if exc.spec is not None:
        lines = (f"Usage: {exc.spec.usage}", f"Example: {exc.spec.example}")
    return Reply(headline=str(exc), severity=Severity.ERROR, lines=lines)


def denied(spec: CommandSpec, request: AuthzRequest, decision: Decision) -> Reply:
    why = {
        Reason.EXPLICIT_DENY: "an explicit deny applies",
        Reason.IMPLICIT_DENY: "no policy attached to you allows it",
        Reason.GUARDRAIL: (
            "this channel's guardrail does not allow it, whatever your own policies allow "
            "(approval cannot change that; try another channel)"
        ),
    }.get(decision.reason, decision.reason.value)
    decided = decision.explain()
    if decision.sid and decision.effect is Effect.DENY:
        why = f"policy {decision.policy!r} says: {decision.sid}"
        decided = replace(decision, sid=None).explain()  # quoted once is enough
    return Reply(
        headline=f"Not allowed: {code(spec.name)} needs {request.action} on {request.resource}",
        severity=Severity.ERROR,
        lines=(
            f"Denied because {why}.",
            f"Decided by: {decided}",
            f"Ask an admin to change the policy, or run {code('whoami')} "
            "to see what you may do here.",
        ),
    )


def trtc_failure(exc: TrtcError, history: HistoryTerms | None = None) -> Reply:
    """``history``: what is known of the account's monitoring edition, so a refusal
    of old history says what the edition allows instead of showing the raw error."""
    if isinstance(exc, TrtcApiError) and is_edition_refusal(exc.code):
        edition = history.edition if history is not None else None
        return Reply(
            headline=edition_refusal(exc.action, edition),
            severity=Severity.ERROR,
            lines=(f"Code: {exc.code}", f"RequestId: {exc.request_id}"),
        )
    if isinstance(exc, TrtcApiError):
        lines = [f"Code: {exc.code}", f"Message: {exc.message}", f"RequestId: {exc.request_id}"]
        hint = hint_for(exc.code)
        if hint:
            lines.append(hint)
        return Reply(
            headline=f"TRTC refused {exc.action}", severity=Severity.ERROR, lines=tuple(lines)
        )
    if isinstance(exc, TrtcLimitError):
        return Reply(headline=str(exc), severity=Severity.ERROR)
    if isinstance(exc, TrtcOutcomeUnknown):
        return Reply(
            headline=f"TRTC's answer to {exc.action} was lost: outcome unknown",
            severity=Severity.WARNING,
            lines=(
                str(exc.cause),
                f"It was not sent again. Check with {code('users')} or {code('rooms')} "
                "before retrying.",
            ),
            fields=(("RequestId", ", ".join(exc.request_ids)),) if exc.request_ids else (),
            request_ids=exc.request_ids,
        )
    assert isinstance(exc, TrtcTransportError)
    return Reply(
        headline=f"Could not reach TRTC for {exc.action}",
        severity=Severity.ERROR,
        lines=(str(exc), "Nothing is known to have changed; check before retrying."),
    )


def unexpected(reference: str) -> Reply:
    return Reply(
        headline="Something went wrong on our side; nothing was done.",
        severity=Severity.ERROR,
        lines=(f"Reference: {reference} (it is in the bot's log).",),
        reference=reference,
    )


def private(text: str, severity: Severity = Severity.WARNING) -> Reply:
    return Reply(headline=text, severity=severity, private=True)


def reason_fields(op: Operation) -> tuple[tuple[str, str], ...]:
    return (("Reason", op.reason),) if op.reason else ()


def closed(op: Operation, what: str, severity: Severity) -> Reply:
    """An operation that will not run (cancelled, rejected, expired): no buttons left."""
    return Reply(
        headline=f"#{op.id} {what}: {op.summary}",
        severity=severity,
        fields=(("Requested by", person(op.requester)), *reason_fields(op)),
        operation_id=op.id,
    )


def not_undoable(op: Operation) -> str:
    """Why an Undo on ``op`` changes nothing: what ended it, if we know."""
    if op.outcome and op.outcome.startswith("no longer in force"):
        # a mute replaced by a newer one, or ended by `unmute`: nothing to act on
        return f"#{op.id}: that mute is {op.outcome}; nothing changed."
    if op.status is OperationState.UNDONE and op.decided_by == SystemActor.TIMED_MUTE:
        return (
            f"#{op.id}: that mute is no longer in force (lifted by {SystemActor.TIMED_MUTE} "
            "when its time ran out); nothing changed."
        )
    if op.status is OperationState.UNDONE and op.decided_by:
        return f"#{op.id} cannot be undone: it was already undone by {person(op.decided_by)}."
    return f"#{op.id} cannot be undone (it is {op.status.value})."
