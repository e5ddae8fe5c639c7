"""The one pipeline: parse → authorize → confirm or approve → run → audit.

Every way in (Slack command, mention, button, console) calls ``handle`` or
``press`` here and renders the ``Reply`` that comes back.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import replace

from bot.authz.decision import Decision, Effect
from bot.authz.request import AuthzRequest
from bot.core import (
    auditing,
    bans,
    confirmation,
    elevation,
    expiry,
    lifts,
    recordings,
    recovery,
    reminders,
    replies,
)
from bot.core.auditing import Outcome
from bot.core.authorizer import room_of
from bot.core.context import Context, Progress, Services
from bot.core.digest import Scheduler
from bot.core.execution import Execution
from bot.core.grammar import Parsed, ParseError
from bot.core.invocation import Invocation, Press
from bot.core.markup import code
from bot.core.notice import Notice, Notify
from bot.core.presses import Presses
from bot.core.reply import ActionKind, Reply, Severity
from bot.core.rooms import present_users
from bot.core.spec import CommandSpec
from bot.core.values import BadValue
from bot.logs import request_id
from bot.trtc.errors import TrtcError, TrtcOutcomeUnknown
from bot.trtc.masking import mask_text

log = logging.getLogger(__name__)


def new_reference() -> str:
    return "ref-" + secrets.token_hex(4)


class Core:
    def __init__(self, services: Services) -> None:
        self.services = services
        services.notify = self.notify
        self.listeners: list[Notify] = []
        self.execution = Execution(services, self.notify)
        self.presses = Presses(self.execution)
        self.scheduler = Scheduler(services)

    async def notify(self, notice: Notice) -> None:
        """Give a notice to every listener (the adapters); one failing does not stop the rest.
        Whoever raised it (an expiry, a lift, the callback feed), it is labelled here."""
        notice = replace(notice, reply=self._label(notice.reply))
        for listener in self.listeners:
            try:
                await listener(notice)
            except Exception:
                log.exception("a notice listener failed")

    async def handle(self, inv: Invocation, *, progress: Progress | None = None) -> Reply:
        """Answer one typed command; never raises. ``progress`` receives status lines
        from slow commands."""
        reference = new_reference()
        request_id.set(reference)  # every log line of this invocation carries it
        try:
            reply = await self._handle(inv, progress)
        except Exception:
            log.exception("unhandled error %s for %r by %s", reference, inv.text, inv.actor)
            try:
                await self._audit(inv, None, None, outcome=Outcome.ERROR, note=reference)
            except Exception:  # the database may be what failed
                log.exception("could not audit %s", reference)
            reply = replies.unexpected(reference)
        return self._label(reply)

    async def press(self, press: Press) -> Reply:
        """Answer one button press; never raises."""
        reference = new_reference()
        request_id.set(reference)
        kind, _, command = press.action_id.partition(":")
        if kind == ActionKind.RUN.value:
            reply = await self.handle(
                Invocation(
                    actor=press.actor,
                    channel=press.channel,
                    text=command,
                    origin=press.origin,
                    usergroups=press.usergroups,
                    thread=press.thread,
                    delivery=press.delivery,
                )
            )
            # The button sits on a shared report: a refusal (or any failure) is the
            # presser's alone, and must not replace what everyone else is reading.
            if reply.severity is Severity.ERROR:
                return replace(reply, private=True)
            return reply
        try:
            if kind in (ActionKind.EXTEND.value, ActionKind.END.value):
                return self._label(
                    await elevation.press(self.services, self.notify, press, ActionKind(kind))
                )
            reply = await self.presses.press(press)
        except Exception:
            log.exception(
                "unhandled error %s for press %s by %s", reference, press.action_id, press.actor
            )
            try:
                await auditing.record(
                    self.services, press, None, None, outcome=Outcome.ERROR, note=reference
                )
            except Exception:
                log.exception("could not audit %s", reference)
            reply = replies.unexpected(reference)
        return self._label(reply)

    async def not_run(self, who: Invocation | Press, why: str) -> None:
        """An adapter could not hand a request to the core (Slack was unreachable):
        it is on the record all the same."""
        await auditing.record(self.services, who, None, None, outcome=Outcome.NOT_RUN, note=why)

    async def undelivered(
        self, who: Invocation | Press, why: str, *, operation_id: int | None = None
    ) -> None:
        """An adapter could not show a result where it belongs (Slack refused it): a
        record of its own, saying where it went instead, next to the request's."""
        store = self.services.store
        op = await store.operations.get(operation_id) if operation_id is not None else None
        # Not under the request's delivery: that one is recorded already, and is unique.
        who = replace(who, delivery=None)
        await auditing.record(
            self.services, who, None, None, outcome=Outcome.UNDELIVERED, op=op, note=why
        )

    async def recover(self) -> int:
        """Resolve operations a dead replica left executing; how many."""
        return await recovery.recover(self.execution)

    async def beat(self) -> None:
        """Say this replica is alive. Its own loop calls it, apart from ``tick``: liveness
        is not work, so a slow lift or a full pool never makes a live replica look dead."""
        await self.services.store.replicas.beat(self.services.instance, self.services.clock())

    async def tick(self) -> None:
        """Expire what is overdue, recover what a dead replica left, lift timed mutes, end
        bans whose time is up and tell rejoins, warn of and end break-glass elevations,
        remind and escalate pending approvals, look after recordings (their callbacks,
        warnings, auto-stop, custody), post the usage digest when due; the background
        loop calls this every second (the heartbeat is ``beat``'s)."""
        await expiry.expire_due(self.execution)
        await self.recover()
        await lifts.lift_due(self.execution)
        await bans.end_due(self.execution)
        await bans.tell_rejoins(self.execution)
        await elevation.watch(self.services, self.notify)
        await reminders.nudge_due(self.services, self.notify)
        await recordings.tend(self.execution)
        await self.scheduler.run_due()

    async def keep_out(self, entries: Sequence[bans.Entry]) -> int:
        """Remove again whoever among these room entries is banned (the callback relay
        calls this as entries arrive); how many were removed."""
        return await bans.keep_out(self.execution, entries)

    def _label(self, reply: Reply) -> Reply:
        if self.services.label and reply.label is None:
            return replace(reply, label=self.services.label)
        return reply

    async def _handle(self, inv: Invocation, progress: Progress | None) -> Reply:
        services = self.services
        try:
            parsed = services.grammar.parse(inv.typed, now=services.clock())
        except ParseError as raised:
            exc = ParseError(mask_text(str(raised)), raised.spec)  # it may quote a --url
            await self._audit(inv, exc.spec, None, outcome=Outcome.BAD_INPUT, note=str(exc))
            return replies.bad_input(exc)
        spec = parsed.spec
        ctx = Context(services, inv, progress=progress)
        if spec.locate is not None:  # where a TaskId's task is, before anyone is asked
            parsed = replace(parsed, args=await spec.locate(ctx, parsed.args))
        auth = services.authorize(spec, parsed.args, inv)
        if spec.weigh is not None and auth is not None and auth[1].effect is not Effect.DENY:
            try:  # what it would really do (a kick of everyone is a dismiss), from TRTC
                parsed = replace(parsed, args=await spec.weigh(ctx, parsed.args))
            except TrtcError as exc:
                await self._audit(inv, spec, auth, outcome=Outcome.FAILED, error=exc)
                return replies.trtc_failure(exc, services.history)
            auth = services.authorize(spec, parsed.args, inv)  # the stricter of both
        if auth is not None:
            request, decision = auth
            if decision.effect is Effect.DENY:
                await self._audit(inv, spec, (request, decision), outcome=Outcome.DENIED)
                return replies.denied(spec, request, decision)
            if decision.effect is Effect.NEEDS_APPROVAL or spec.mutating:
                try:  # the preview reads TRTC (who is in the room) before anyone is asked
                    return await self._ask(ctx, parsed, request, decision)
                except BadValue as exc:  # the preview found nothing to do (nobody to kick)
                    await self._audit(inv, spec, auth, outcome=Outcome.BAD_INPUT, note=str(exc))
                    return replies.bad_input(ParseError(str(exc)))
                except TrtcError as exc:
                    await self._audit(inv, spec, auth, outcome=Outcome.FAILED, error=exc)
                    return replies.trtc_failure(exc, services.history)
        return await self._run(ctx, parsed, auth)

    async def _ask(
        self, ctx: Context, parsed: Parsed, request: AuthzRequest, decision: Decision
    ) -> Reply:
        """Confirmation, or a second person's approval where the policy says so: unless
        the requester holds a break-glass elevation here (confirmation alone, recorded
        as approved by ``break-glass:<user>``), or the room is not live (refused now,
        not left pending for anyone to approve nothing)."""
        if decision.effect is not Effect.NEEDS_APPROVAL:
            return await confirmation.request_confirmation(ctx, parsed, request, decision)
        elevated = await elevation.in_force(self.services, ctx.invocation)
        if elevated is not None:
            return await confirmation.request_confirmation(
                ctx, parsed, request, decision, elevation=elevated
            )
        room = room_of(parsed.spec, parsed.args)
        # The roster first: a room created seconds ago is live before history shows it.
        if room is not None and not room.everywhere and not (await present_users(ctx, room)).live:
            why = f"room {room} is not live: there is nothing to approve"
            auth = (request, decision)
            await self._audit(ctx.invocation, parsed.spec, auth, outcome=Outcome.REFUSED, note=why)
            return Reply(
                headline=f"Not asked for approval: {why}",
                severity=Severity.ERROR,
                lines=(f"Check with {code('rooms')}; ask again once the room is live.",),
            )
        return await confirmation.request_approval(ctx, parsed, request, decision)

    async def _run(
        self,
        ctx: Context,
        parsed: Parsed,
        auth: tuple[AuthzRequest, Decision] | None,
    ) -> Reply:
        try:
            reply = await parsed.spec.run(ctx, parsed.args)
        except TrtcError as exc:
            # A write whose answer was lost may have happened: not a failure, unknown.
            lost = isinstance(exc, TrtcOutcomeUnknown)
            outcome = Outcome.UNKNOWN if lost else Outcome.FAILED
            ids = exc.request_ids if isinstance(exc, TrtcOutcomeUnknown) else ()
            await self._audit(
                ctx.invocation, parsed.spec, auth, outcome=outcome, error=exc, request_ids=ids
            )
            return replies.trtc_failure(exc, ctx.services.history)
        await self._audit(
            ctx.invocation, parsed.spec, auth, outcome=Outcome.OK, request_ids=reply.request_ids
        )
        return reply

    async def _audit(
        self,
        inv: Invocation,
        spec: CommandSpec | None,
        auth: tuple[AuthzRequest, Decision] | None,
        *,
        outcome: Outcome,
        note: str | None = None,
        error: TrtcError | None = None,
        request_ids: tuple[str, ...] = (),
    ) -> None:
        await auditing.record(
            self.services,
            inv,
            spec,
            auth,
            outcome=outcome,
            note=note,
            error=error,
            request_ids=request_ids,
        )
