"""The one way TRTC is changed: an operation's command, or its undo, run once as an actor.

A person's confirmed or approved command, a person's Undo and a timed mute's
lift (the mute's undo by ``system:timed-mute``) all come through here. Where a
person is behind the change it is authorized under the policy in force now;
whoever is behind it, it leaves one audit record with that actor, and the
bot's own work is told to the operation's messages through ``notify``, so no
button on them stays live. An expiry and a recovery change nothing on TRTC
but are recorded and told the same way (``announce``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.authz.decision import Decision, Effect
from bot.authz.request import AuthzRequest
from bot.core import auditing, replies
from bot.core.actor import Chore, SystemActor
from bot.core.auditing import Outcome
from bot.core.buttons import action_id
from bot.core.context import Context, Services
from bot.core.elevation import break_glass
from bot.core.invocation import Invocation, Origin, Press
from bot.core.markup import code, person, plain
from bot.core.notice import Notice, Notify
from bot.core.replies import not_undoable
from bot.core.reply import Action, ActionKind, Reply, Severity
from bot.core.spec import Args, CommandSpec
from bot.core.standing import Refusal, standing
from bot.store import Operation, OperationState
from bot.trtc.errors import TrtcError, TrtcOutcomeUnknown, TrtcTransportError

# A change the bot makes by itself, given the context it runs in.
Change = Callable[[Context], Awaitable[Reply]]
EXECUTING = OperationState.EXECUTING
# What the bot's own undo may close: a run recovery could not confirm still muted someone.
UNDOABLE_BY_SYSTEM = (OperationState.SUCCEEDED, OperationState.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Attempt:
    """What came of an undo: ``done`` is None when it was not this caller's to run
    (refused, or someone else undid it first)."""

    reply: Reply
    done: bool | None


def spec_of(services: Services, op: Operation) -> CommandSpec:
    spec = services.grammar.spec(op.command)
    if spec is None:  # a command removed since the operation was stored
        raise LookupError(f"operation #{op.id} names unknown command {op.command!r}")
    return spec


def args_of(services: Services, op: Operation) -> Args:
    return Args.from_json(op.args, spec_of(services, op))


def chore(actor: SystemActor, op: Operation) -> Chore:
    """The bot's own work on ``op``, audited in the operation's thread."""
    return Chore(actor, op.channel, op.thread, op.text)


async def refuse(services: Services, press: Press, op: Operation | None, why: str) -> Reply:
    """A press that changes nothing is still on the record, with why."""
    await auditing.record(
        services,
        press,
        services.grammar.spec(op.command) if op is not None else None,
        None,
        outcome=Outcome.REFUSED,
        op=op,
        note=why,
    )
    return replies.private(why)


class Execution:
    def __init__(self, services: Services, notify: Notify) -> None:
        self.services = services
        self.notify = notify

    async def run(self, op: Operation, by: Press, *, approver: str | None) -> Reply:
        """Run an operation ``by`` has moved to ``executing``: once, with its original
        arguments, if its requester and ``approver`` still have the right now."""
        services = self.services
        spec, args = spec_of(services, op), args_of(services, op)
        store = services.store.operations
        checked = await standing(services, op, spec, args, approver)
        if isinstance(checked, Refusal):
            return await self._not_run(by, op, checked, approver)
        requester, auth = checked
        glass = break_glass(op.requester) if op.elevation_id is not None else None
        shown = approver or glass  # on the record: the approver, or the break-glass stand-in
        ctx = Context(services, requester, approved_by=shown, operation_id=op.id)
        try:
            reply = await spec.run(ctx, args)
        except TrtcOutcomeUnknown as exc:
            reply = await self._settle(op, by, ctx, exc, auth=auth, approver=shown)
            if reply.severity is not Severity.SUCCESS:
                return reply
        except TrtcError as exc:
            # No answer from TRTC: it may have acted. An answer that refused: it did not.
            unknown = isinstance(exc, TrtcTransportError)
            state = OperationState.UNKNOWN if unknown else OperationState.FAILED
            await store.transition(op.id, [EXECUTING], state, outcome=str(exc), error_code=exc.code)
            outcome = Outcome.UNKNOWN if unknown else Outcome.FAILED
            await self.record(by, op, outcome, auth=auth, approver=shown, error=exc)
            failure = replies.trtc_failure(exc, ctx.services.history)
            headline = (
                f"#{op.id} outcome unknown — check before retrying"
                if unknown
                else f"#{op.id} failed: {failure.headline}"
            )
            return replace(failure, headline=headline, operation_id=op.id)
        except Exception:
            await store.transition(
                op.id, [EXECUTING], OperationState.UNKNOWN, outcome="unexpected error"
            )
            raise
        # It ran (or a lost answer was checked, and it had taken effect).
        state = OperationState.PARTIAL if reply.partial else OperationState.SUCCEEDED
        await store.transition(
            op.id,
            [EXECUTING],
            state,
            outcome=plain(
                "\n".join([reply.headline, *reply.lines]) if reply.partial else reply.headline
            ),
            request_ids=list(reply.request_ids),
        )
        outcome = Outcome.PARTIAL if reply.partial else Outcome.SUCCEEDED
        note = plain("; ".join(reply.lines)) if reply.partial else None
        await self.record(
            by, op, outcome, auth=auth, approver=shown, request_ids=reply.request_ids, note=note
        )
        who = (
            f"Requested by {person(op.requester)}, approved by {person(approver)}."
            if approver
            else f"Confirmed by {person(op.requester)}."
        )
        if glass is not None:
            who = (
                f"Confirmed by {person(op.requester)} under break-glass elevation "
                f"#{op.elevation_id} (approved as {glass})."
            )
        actions = reply.actions
        if spec.undo is not None:
            undo = Action(ActionKind.UNDO, action_id(ActionKind.UNDO, op), spec.undo_label)
            actions = (*actions, undo)
        return replace(reply, lines=(*reply.lines, who), operation_id=op.id, actions=actions)

    async def _not_run(
        self, by: Press, op: Operation, refusal: Refusal, approver: str | None
    ) -> Reply:
        """An operation that lost its right between the request and the run: closed,
        on the record, and said on its messages, where requester and approver see it."""
        await self.services.store.operations.transition(
            op.id, [EXECUTING], OperationState.FAILED, outcome=refusal.why
        )
        await self.record(
            by, op, Outcome.DENIED, auth=refusal.auth, approver=approver, note=refusal.why
        )
        return Reply(
            headline=f"#{op.id} was not run: {refusal.why}.",
            severity=Severity.ERROR,
            lines=(f"Nothing was changed. Run {code('whoami')} to see what you may do now.",),
            fields=(("Requested by", person(op.requester)), *replies.reason_fields(op)),
            operation_id=op.id,
        )

    async def undo(
        self,
        op: Operation,
        by: Press | Chore,
        *,
        note: str | None = None,
        fallback: str | None = None,
        tell_failure: bool = True,
    ) -> Attempt:
        """Undo ``op`` (its command has an undo). A person must be allowed to run the
        command now; the bot's own undo (a timed mute's lift) was allowed with the
        mute. ``note`` ends a successful reply, ``fallback`` a failed one; the bot's
        own failed retry is recorded but not told again (``tell_failure``)."""
        services = self.services
        spec, args = spec_of(services, op), args_of(services, op)
        assert spec.undo is not None, f"{spec.name} has no undo"
        auth = None
        if isinstance(by, Press):
            auth = services.authorize(spec, args, by)
            if auth is not None and auth[1].effect is not Effect.ALLOW:
                await self.record(by, op, Outcome.DENIED, auth=auth)
                why = f"You may not undo #{op.id}: {auth[1].explain()}."
                return Attempt(replies.private(why), None)
        if not await self._claim_undo(op, by):
            why = await self._why_not_undoable(op)
            if isinstance(by, Chore):  # whoever undid it is on the record
                return Attempt(replies.private(why), None)
            return Attempt(await refuse(services, by, op, why), None)
        ctx = Context(services, _invocation(by, op), operation_id=op.id)
        try:
            reply = await spec.undo(ctx, args)
        except TrtcError as exc:
            await self.record(by, op, Outcome.UNDO_FAILED, auth=auth, error=exc)
            failure = replies.trtc_failure(exc, ctx.services.history)
            reply = replace(
                failure,
                headline=f"#{op.id} could not be undone: {failure.headline}",
                lines=(*failure.lines, fallback) if fallback else failure.lines,
                operation_id=op.id,
            )
            done = False
        else:
            await self.record(by, op, Outcome.UNDONE, auth=auth, request_ids=reply.request_ids)
            last = note or f"Undone by {person(by.actor)}."
            reply = replace(reply, lines=(*reply.lines, last), operation_id=op.id)
            done = True
        if isinstance(by, Chore) and (done or tell_failure):
            await self.notify(Notice(op.channel, op.thread, reply))
        return Attempt(reply, done)

    async def act(self, by: Chore, op: Operation, change: Change, note: str) -> Reply:
        """A change on TRTC the bot makes by itself, allowed earlier by ``op`` (a ban's
        re-removal of someone let back in): run once as ``by``, one audit record with its
        actor. A refusal is recorded and raised; telling it is the caller's (it gathers)."""
        try:
            reply = await change(Context(self.services, _invocation(by, op), operation_id=op.id))
        except TrtcError as exc:
            lost = isinstance(exc, TrtcOutcomeUnknown | TrtcTransportError)
            outcome = Outcome.UNKNOWN if lost else Outcome.FAILED
            await self.record(by, op, outcome, error=exc, note=note)
            raise
        await self.record(by, op, Outcome.SUCCEEDED, request_ids=reply.request_ids, note=note)
        return reply

    async def announce(
        self,
        by: Chore,
        op: Operation,
        outcome: Outcome,
        reply: Reply,
        *,
        note: str | None = None,
        approver: str | None = None,
    ) -> None:
        """The bot's own work on ``op`` that changed nothing on TRTC (an expiry, a
        recovery's verdict): on the record with its actor, and on the op's messages."""
        await self.record(by, op, outcome, note=note, approver=approver)
        await self.notify(Notice(op.channel, op.thread, replace(reply, operation_id=op.id)))

    async def _settle(
        self,
        op: Operation,
        by: Press,
        ctx: Context,
        exc: TrtcOutcomeUnknown,
        *,
        auth: tuple[AuthzRequest, Decision] | None,
        approver: str | None,
    ) -> Reply:
        """A write whose answer was lost is never sent again: look at TRTC instead. A
        success reply goes on as any success; otherwise the operation ends here."""
        spec, args = spec_of(self.services, op), args_of(self.services, op)
        verdict = None
        if spec.verify is not None:
            try:
                verdict = await spec.verify(ctx, args)
            except TrtcError:
                verdict = None  # cannot look: say so rather than guess
        lost = f"TRTC's first answer was lost ({exc.code})"
        ids = exc.request_ids
        if verdict:
            return Reply(
                headline=f"Done: {op.summary}",
                severity=Severity.SUCCESS,
                lines=(f"{lost}; checked against TRTC: it took effect.",),
                fields=(("RequestId", ", ".join(ids)),) if ids else (),
                request_ids=ids,
            )
        # Not done, or cannot be known: either way the operation ends here, once.
        undone = verdict is False
        why = f"{lost}; " + (
            "checked against TRTC: it did not take effect"
            if undone
            else "TRTC cannot tell whether it took effect"
        )
        state, outcome = (
            (OperationState.FAILED, Outcome.FAILED)
            if undone
            else (OperationState.UNKNOWN, Outcome.UNKNOWN)
        )
        await self.services.store.operations.transition(
            op.id, [EXECUTING], state, outcome=why, error_code=exc.code
        )
        await self.record(by, op, outcome, auth=auth, approver=approver, error=exc)
        if undone:
            headline, severity = f"#{op.id} not done: {op.summary}", Severity.ERROR
            lines = (f"{why}, and nothing was sent again.", f"Run {code(op.text)} again if needed.")
        else:
            headline = f"#{op.id} outcome unknown — check before retrying: {op.summary}"
            severity = Severity.WARNING
            lines = (
                f"{why}; nothing was sent again.",
                f"Check with {code('users')} or {code('rooms')}, "
                f"then run {code(op.text)} again if needed.",
            )
        return Reply(
            headline=headline,
            severity=severity,
            lines=lines,
            request_ids=ids,
            operation_id=op.id,
        )

    async def record(
        self,
        by: Press | Chore,
        op: Operation,
        outcome: Outcome,
        *,
        auth: tuple[AuthzRequest, Decision] | None = None,
        approver: str | None = None,
        request_ids: tuple[str, ...] = (),
        error: TrtcError | None = None,
        note: str | None = None,
    ) -> None:
        """One audit record about ``op``, with ``by``'s actor."""
        await auditing.record(
            self.services,
            by,
            self.services.grammar.spec(op.command),
            auth,
            outcome=outcome,
            op=op,
            approver=approver,
            request_ids=request_ids,
            error=error,
            note=note,
        )

    async def _why_not_undoable(self, op: Operation) -> str:
        """Said to an Undo that came too late: what ended it, as stored now."""
        return not_undoable(await self.services.store.operations.get(op.id) or op)

    async def _claim_undo(self, op: Operation, by: Press | Chore) -> bool:
        ops, now = self.services.store.operations, self.services.clock()
        if isinstance(by, Press):
            return await ops.transition(
                op.id,
                [OperationState.SUCCEEDED],
                OperationState.UNDONE,
                decided_by=by.actor,
                decided_at=now,
            )
        if await ops.transition(
            op.id, UNDOABLE_BY_SYSTEM, OperationState.UNDONE, decided_by=by.actor, decided_at=now
        ):
            return True
        # The bot's own undo is claimed before it comes here (a lift claims its mute):
        # an earlier mark by the same actor is a lifter that died half-way.
        current = await ops.get(op.id)
        return (
            current is not None
            and current.status is OperationState.UNDONE
            and current.decided_by == by.actor
        )


def _invocation(by: Press | Chore, op: Operation) -> Invocation:
    """Who an undo runs as: the person who pressed, or the bot itself."""
    if isinstance(by, Chore):
        return Invocation(str(by.actor), by.channel, by.text, Origin.SYSTEM, thread=by.thread)
    return Invocation(
        actor=by.actor,
        channel=by.channel,
        text=op.text,
        origin=by.origin,
        usergroups=by.usergroups,
        thread=by.thread or op.thread,
    )
