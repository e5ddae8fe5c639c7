"""The daily usage digest and usage alerts: the bot's own posts, once each.

From the core's tick. Each slot (``timetable.py``) is claimed in the database
(``store.schedules``): one replica wins it, a restart finds it taken, and a run a
dead replica left is taken over. What is posted is audited as ``system:digest``.

The digest: yesterday's minutes by type against the median of the seven days
before, and the idle rooms now (the ``idle`` command's own answer, with its Dismiss
buttons: pressing one goes through the usual confirmation). The alert: today's
minutes so far against the median of the same hours of the last seven days, posted
at most once a day when above the configured factor.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.core import auditing
from bot.core.actor import Chore, SystemActor
from bot.core.auditing import Outcome
from bot.core.context import Context, Services
from bot.core.grammar import ParseError
from bot.core.invocation import Invocation, Origin
from bot.core.notice import Notice
from bot.core.reply import Reply, Severity, Table
from bot.core.timetable import DigestPlan
from bot.store.schedules import RunState
from bot.trtc.errors import TrtcError
from bot.trtc.usage import BEIJING, UsageApi, beijing_date
from bot.usage import HOW_TO, TYPES, fetch_report, median_of

log = logging.getLogger(__name__)

DIGEST, CHECK, ALERT = "digest", "usage-check", "usage-alert"
BASELINE_DAYS = 7
IDLE_COMMAND = "idle"


class Scheduler:
    """Runs what is due on each tick; remembers slots known taken, to spare the database."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._taken: set[str] = set()

    async def run_due(self) -> None:
        plan = self.services.digest
        if plan is None:
            return
        now = self.services.clock()
        await self._take_over(plan, now)
        slot = plan.digest_slot(now)
        if slot is not None and await self._claim(DIGEST, slot, now):
            await self._run(plan, DIGEST, slot)
        slot = plan.check_slot(now)
        if slot is not None and await self._claim(CHECK, slot, now):
            await self._run(plan, CHECK, slot)

    async def _claim(self, job: str, slot: str, now: float) -> bool:
        key = f"{job}:{slot}"
        if key in self._taken:
            return False
        won = await self.services.store.schedules.claim(job, slot, now, self.services.instance)
        self._taken.add(key)  # ours to run now, or someone else's: never claimed again here
        return won

    async def _take_over(self, plan: DigestPlan, now: float) -> None:
        schedules = self.services.store.schedules
        for run in await schedules.orphans(now, mine=self.services.instance):
            if run.job in (DIGEST, CHECK) and await schedules.take_over(
                run, self.services.instance
            ):
                log.warning("taking over %s left by replica %s", run.key, run.runner)
                await self._run(plan, run.job, run.slot)

    async def _run(self, plan: DigestPlan, job: str, slot: str) -> None:
        services = self.services
        state, note = RunState.DONE, ""
        try:
            if job == DIGEST:
                note = await self._digest(plan, date.fromisoformat(slot))
            else:
                note = await self._check(plan, slot)
        except TrtcError as exc:
            state, note = RunState.FAILED, f"TRTC: {exc}"
            failed = Reply(
                f"The usage {job} for {slot} could not be made", Severity.WARNING, (str(exc),)
            )
            await self._post(plan, f"{job} {slot}", failed, outcome=Outcome.FAILED, error=exc)
        except Exception:
            log.exception("scheduled %s %s failed", job, slot)
            state, note = RunState.FAILED, "unexpected error (see the log)"
        await services.store.schedules.finish(job, slot, state, services.clock(), note)

    async def _post(
        self,
        plan: DigestPlan,
        text: str,
        reply: Reply,
        *,
        outcome: Outcome = Outcome.OK,
        error: TrtcError | None = None,
    ) -> None:
        services = self.services
        if services.notify is not None:
            await services.notify(Notice(plan.channel, None, reply))
        chore = Chore(SystemActor.DIGEST, plan.channel, None, text)
        await auditing.record(
            services, chore, None, None, outcome=outcome, note=reply.headline, error=error
        )

    async def _digest(self, plan: DigestPlan, today: date) -> str:
        services = self.services
        yesterday = today - timedelta(days=1)
        first = yesterday - timedelta(days=BASELINE_DAYS)
        report = await fetch_report(services.trtc.usage, first, yesterday, None)
        before = [first + timedelta(days=i) for i in range(BASELINE_DAYS)]
        rows = []
        for kind in report.used_types():
            value = report.of(yesterday, kind)
            median = median_of([report.of(d, kind) for d in before])
            change = f"{value / median:.1f}×" if median else "new"
            rows.append((kind, f"{value:,.0f}", f"{median:,.0f}", change))
        total = report.total(yesterday)
        baseline = median_of([report.total(d) for d in before])
        lines = [
            f"Yesterday: {total:,.0f} minutes; the median of the {BASELINE_DAYS} days "
            f"before: {baseline:,.0f}."
        ]
        prices = services.prices
        if prices is None:
            lines.append(HOW_TO)
        else:
            costs = [prices.cost(k, report.of(yesterday, k)) for k in TYPES]
            lines.append(f"Cost yesterday: {prices.money(sum(c for c in costs if c))}.")
        idle = await self._idle(plan)
        table = Table(("Type", "Yesterday", f"{BASELINE_DAYS}-day median", "Change"), tuple(rows))
        reply = Reply(
            f"Usage digest for {yesterday:%A} {yesterday.isoformat()} (Beijing days)",
            lines=tuple(lines) + (idle.lines if idle else ()),
            tables=(table, *(idle.tables if idle else ())),
            actions=idle.actions if idle else (),
        )
        await self._post(plan, f"digest {today.isoformat()}", reply)
        return f"{total:,.0f} minutes"

    async def _idle(self, plan: DigestPlan) -> Reply | None:
        """The ``idle`` command's answer, run as the digest (nobody's permission is used)."""
        services = self.services
        try:
            parsed = services.grammar.parse(IDLE_COMMAND, now=services.clock())
        except ParseError:
            return None  # a registry without it
        who = Invocation(SystemActor.DIGEST.value, plan.channel, IDLE_COMMAND, Origin.SYSTEM)
        reply = await parsed.spec.run(Context(services, who), parsed.args)
        return replace(reply, lines=(reply.headline, *reply.lines))

    async def _check(self, plan: DigestPlan, slot: str) -> str:
        services = self.services
        now = services.clock()
        factor = plan.alert_factor or 0.0
        today = beijing_date(now)
        so_far = await _minutes_until(services.trtc.usage, today, now)
        baseline = median_of(
            [
                await _minutes_until(services.trtc.usage, today - timedelta(days=n), now)
                for n in range(1, BASELINE_DAYS + 1)
            ]
        )
        if not baseline or so_far < factor * baseline:
            return f"{so_far:,.0f} minutes so far; median {baseline:,.0f}"
        if not await self._claim(ALERT, today.isoformat(), now):
            return "above, already alerted today"
        reply = Reply(
            f"Usage alert: {so_far / baseline:.1f}× the usual minutes so far today",
            Severity.WARNING,
            lines=(
                f"{so_far:,.0f} minutes by {_clock(now)} (Beijing time) against a median of "
                f"{baseline:,.0f} by the same time on the last {BASELINE_DAYS} days "
                f"(alert at {factor:g}×). `usage --days 7` shows where they went.",
            ),
        )
        await self._post(plan, f"usage alert {today.isoformat()}", reply)
        await services.store.schedules.finish(
            ALERT, today.isoformat(), RunState.DONE, services.clock(), reply.headline
        )
        return reply.headline


async def _minutes_until(api: UsageApi, day: date, now: float) -> float:
    """A day's minutes (all types) up to now's time of day, from its 5-minute points."""
    cutoff = _clock(now)
    table = await api.trtc(day, day)
    return sum(sum(values) for key, values in table.points if key[11:16] < cutoff)


def _clock(now: float) -> str:
    return (datetime.fromtimestamp(now, UTC) + BEIJING).strftime("%H:%M")
