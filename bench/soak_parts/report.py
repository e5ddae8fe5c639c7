"""The report: the figures as the sections the soak prints, and what failed."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.trtc.simulator import RecordedRequest
from soak_parts.balancer import Ack, Attempt
from soak_parts.figures import (
    Audit,
    Takeover,
    applied_twice,
    pct,
    posted_twice,
    shown_errors,
)
from soak_parts.flows import WAIT_S
from soak_parts.plan import LEAD
from soak_parts.run import Run
from soak_parts.table import listing, row, sim_table
from tests.support.fake_slack import FakeSlack

TERMINAL = frozenset({"succeeded", "failed", "unknown", "rejected"})
INJECTED = frozenset({"InternalError", "RequestLimitExceeded"})


@dataclass
class Verdict:
    failures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)


class Report:
    def __init__(
        self,
        run: Run,
        fake: FakeSlack,
        requests: list[RecordedRequest],
        audit: Audit,
        takeovers: list[Takeover],
    ):
        self.fake = fake
        self.requests = requests
        self.audit = audit
        self.takeovers = takeovers
        self.balancer = run.users.balancer
        self.record = run.users.record
        self.flows = run.plan.flows
        self.run = run
        self.verdict = Verdict()

    def when(self, ack: Ack | Attempt | None) -> str:
        """Which replica, when, and how long before or after the kill."""
        if ack is None:
            return "?"
        kill = self.record.kill
        rel = f" ({ack.at - kill.at:+.1f} s from the kill)" if kill else ""
        return f"replica {ack.replica} at {ack.at:.1f} s{rel}"

    def print(self, header: list[str]) -> list[str]:
        """Print the figures; what failed."""
        sections: tuple[Callable[[], list[str]], ...] = (
            self.sent,
            self.audited,
            self.actions,
            self.approvals,
            self.latency,
            self.errors,
            self.trtc,
            self.callbacks,
            self.throughput,
            self.stalls,
        )
        for line in header:
            print(line)
        for section in sections:
            print()
            for line in section():
                print(line)
        print()
        return self.verdict.failures

    def sent(self) -> list[str]:
        acked, attempts = self.balancer.acked, self.balancer.attempts
        failed = Counter(a.outcome for a in attempts if a.outcome != "200")
        unacked = {a.key for a in attempts} - set(acked)
        return [
            "Slack requests",
            row(
                "sent (acknowledged 200)",
                len(acked),
                listing(Counter(a.kind for a in acked.values())),
            ),
            row("  by replica", "", listing(Counter(a.replica for a in acked.values()))),
            row("failed attempts (then failover)", sum(failed.values()), listing(failed)),
            row("attempt keys never acknowledged", len(unacked)),
            row(
                "redeliveries of acked events",
                len(self.balancer.redeliveries),
                listing(Counter(a.outcome for a in self.balancer.redeliveries)),
            ),
        ]

    def audited(self) -> list[str]:
        audit, sent, recovered = self.audit, len(self.balancer.acked), len(self.audit.recovered)
        lines = [
            "Audit",
            row("records", audit.total, f"(recovered after a crash: {recovered})"),
            *self.after_kill(),
        ]
        if audit.by_delivery is not None:
            return lines + self.by_key(audit.by_delivery)
        audited = audit.total - recovered
        lines.append(
            row("sent vs audited", f"{sent} vs {audited}", "(no `delivery` column: counts)")
        )
        self.verdict.check(sent == audited, f"sent {sent} != audited {audited}")
        return lines

    def after_kill(self) -> list[str]:
        """What another process finished for the killed one, and how long after the kill."""
        recovered, taken = self.audit.recovered, self.takeovers
        by_outcome = listing(Counter(outcome for _, outcome in recovered))
        by_replica = listing(Counter(t.replica for t in taken))
        return [
            row("  operations recovered", len(recovered), self.after([at for at, _ in recovered])),
            *([f"{'':46}{by_outcome}"] if recovered else []),
            row("  Slack deliveries taken over", len(taken), self.after([t.at for t in taken])),
            *([f"{'':46}by replica {by_replica} (their logs)"] if taken else []),
        ]

    def after(self, times: list[float]) -> str:
        """The first and last of ``times`` (Unix), in seconds from the kill."""
        kill = self.record.kill
        if kill is None or not times:
            return ""
        first, last = min(times) - kill.wall, max(times) - kill.wall
        return f"{first:+.1f} s to {last:+.1f} s from the kill"

    def by_key(self, by_delivery: dict[str, int]) -> list[str]:
        sent = self.balancer.acked
        missing = sorted(set(sent) - set(by_delivery), key=lambda k: sent[k].at)
        duplicates = sorted(k for k, n in by_delivery.items() if n > 1)
        extra = sorted(set(by_delivery) - set(sent))
        tried = {a.key: a for a in self.balancer.attempts}
        null = self.audit.total - sum(by_delivery.values()) - len(self.audit.recovered)
        lines = [
            row("sent vs audited (by delivery)", f"{len(sent)} vs {sum(by_delivery.values())}"),
            row(
                "missing (sent, not audited)",
                len(missing),
                listing(Counter(sent[k].kind for k in missing)),
            ),
            row("duplicates (audited twice+)", len(duplicates)),
            row(
                "extra (audited, never acked)",
                len(extra),
                f"({sum(k in tried for k in extra)} were tried)",
            ),
            row("no delivery key, not recovered", null),
        ]
        lines += [f"    missing {k} {sent[k].what!r}, {self.when(sent[k])}" for k in missing[:25]]
        lines += [f"    audited {by_delivery[k]}×: {k}" for k in duplicates[:10]]
        lines += [f"    extra {k}, tried on {self.when(tried.get(k))}" for k in extra[:10]]
        self.verdict.details.update(missing=missing, duplicates=duplicates, extra=extra)
        self.verdict.check(not missing, f"{len(missing)} sent requests not audited")
        self.verdict.check(not duplicates, f"{len(duplicates)} deliveries audited twice")
        return lines

    def actions(self) -> list[str]:
        per_action, twice = applied_twice(self.requests)
        self.verdict.check(not twice, f"{len(twice)} targets acted on twice")
        self.verdict.details["twice"] = [list(t) for t in twice]
        return [
            "Actions",
            row("applied by TRTC", sum(per_action.values()), listing(per_action)),
            row("executed twice (same target)", len(twice)),
            *(f"    twice: {t}" for t in twice[:10]),
            row("operations by state", "", listing(self.audit.operations)),
        ]

    def approvals(self) -> list[str]:
        states, approved, confirmed = (
            self.audit.clicked_states,
            self.record.approved,
            self.record.confirmed,
        )
        lost = sorted(op for op in approved if states.get(op) not in TERMINAL)
        unfinished = sorted(op for op in confirmed if states.get(op) not in (*TERMINAL, "undone"))
        self.verdict.check(not lost, f"{len(lost)} approvals lost")
        already = [
            c
            for c in self.fake.of("chat.postEphemeral")
            if c.args.get("user") == LEAD and any("already" in t for t in c.texts())
        ]
        both = sum(len(a) == 2 for a in approved.values())
        return [
            "Approvals (dismiss by on-call, Approve clicked twice by the lead, once per replica)",
            row("shown with Approve", self.record.approvals_shown),
            row("Approve acknowledged", len(approved), f"(both clicks: {both})"),
            row("ended", "", listing(Counter(states.get(op, "?") for op in approved))),
            row("executed (succeeded)", sum(states.get(op) == "succeeded" for op in approved)),
            row("approvals lost (clicked, not ended)", len(lost)),
            row("double clicks told 'already'", len(already)),
            row(
                "Confirm acknowledged (kick, mute)",
                len(confirmed),
                listing(Counter(states.get(op, "?") for op in confirmed)),
            ),
            row("confirmations lost", len(unfinished)),
            *(
                f"    approval lost #{op} ({states.get(op)}): {approved[op][0].what!r}, clicks on "
                + ", ".join(self.when(a) for a in approved[op])
                for op in lost[:10]
            ),
            *(
                f"    confirmation lost #{op} ({states.get(op)}): {confirmed[op].what!r}, "
                f"{self.when(confirmed[op])}"
                for op in unfinished[:10]
            ),
        ]

    def latency(self) -> list[str]:
        acks = [a.ms for a in self.balancer.acked.values()]
        base = self.record.health_ms
        lines = ["Ack latency (ms)", f"  {'':34}{'n':>7}{'p50':>9}{'p99':>9}{'max':>9}"]
        for name, values in (
            ("baseline GET /healthz", base),
            ("Slack requests acknowledged", acks),
        ):
            if values:
                p50, p99 = statistics.median(values), pct(values, 0.99)
                lines.append(
                    f"  {name:34}{len(values):>7}{p50:>9.1f}{p99:>9.1f}{max(values):>9.1f}"
                )
        if base and acks:
            lines.append(row("ack p99 / baseline p99", f"{pct(acks, 0.99) / pct(base, 0.99):.2f}"))
        lines.append(row("acks over Slack's 3,000 ms", sum(a > 3000 for a in acks)))
        return lines

    def errors(self) -> list[str]:
        return [
            "Errors surfaced to users",
            f"  audit outcomes      {listing(self.audit.outcomes)}",
            f"  audit error codes   {listing(self.audit.codes)}",
            f"  shown in Slack      {listing(shown_errors(self.fake))}",
        ]

    def trtc(self) -> list[str]:
        injected = Counter(str(r.error_code) for r in self.requests if r.error_code in INJECTED)
        return [
            "TRTC simulator (requests by action: answers)",
            f"  injected faults     {listing(injected)}",
            *sim_table(self.requests),
        ]

    def callbacks(self) -> list[str]:
        record, stored = self.record, self.audit.callbacks_stored
        ours = record.callback_keys & stored
        lost = len(record.callback_keys - ours)
        self.verdict.check(not lost, f"{lost} callbacks not stored")
        return [
            "TRTC callbacks (not Slack requests)",
            row(
                "deliveries acknowledged",
                record.callbacks_sent,
                f"({record.callbacks_both} events to both replicas)",
            ),
            row("distinct events", len(record.callback_keys)),
            row("stored rows (trtc_callbacks)", len(stored), f"(ours: {len(ours)})"),
        ]

    def throughput(self) -> list[str]:
        """Rates over the sending phase, and the CPU each process spent in it."""
        seconds = max(self.run.load_s, 1e-9)
        acked = self.balancer.acked.values()
        per_replica = Counter(a.replica for a in acked)
        ended = sum(n for state, n in self.audit.operations.items() if state in TERMINAL)
        cpu = self.run.cpu_s
        lines = [
            f"Throughput over the {seconds:.1f} s of sending ({self.run.args.concurrency} flows "
            "in flight, closed loop)",
            row("Slack acks/s", f"{len(acked) / seconds:.1f}", listing(per_replica)),
            row("  per replica", f"{len(acked) / seconds / max(len(per_replica), 1):.1f}"),
            row("operations ended/s", f"{ended / seconds:.1f}", f"({ended} operations)"),
            row("TRTC callbacks acked/s", f"{self.record.callbacks_sent / seconds:.1f}"),
            row("TRTC calls/s", f"{len(self.requests) / seconds:.1f}"),
        ]
        if cpu:
            lines.append(
                row(
                    "CPU s per 1,000 acks",
                    "",
                    " · ".join(f"{k} {v * 1000 / max(len(acked), 1):.1f}" for k, v in cpu.items()),
                )
            )
        return lines

    def stalls(self) -> list[str]:
        stalls, crashes = self.record.stalls, self.record.crashes
        reasons = Counter(why.split(":")[0] for _, why, _ in stalls)
        # Silence first (nothing shown: the kill's doing), then answers without buttons.
        shown = sorted(stalls, key=lambda s: (":" in s[1], s[2].at if s[2] else 0.0))
        lines = [
            f"Flows the bot left waiting (nothing shown within {WAIT_S:g} s)",
            row("stalled flows", len(stalls), listing(reasons)),
            *(f"    {what!r}: {why[:80]}, {self.when(ack)}" for what, why, ack in shown[:15]),
        ]
        twice = posted_twice(self.fake, self.flows)
        lines.append(row("commands whose parent was posted 2+ times", len(twice)))
        lines += [f"    posted twice in {c}: {line!r}" for c, line in twice[:10]]
        if self.audit.inbox is not None:
            lines.append(row("Slack deliveries not done", self.audit.inbox))
        if crashes:
            lines.append(row("load generator errors", len(crashes), "the first:"))
            lines += ["    " + line for line in crashes[0].splitlines()]
        return lines
