"""Bounded soak: two replicas on PostgreSQL, 10,000 signed Slack requests, faults, a SIGKILL.

Processes on loopback: two bot replicas as deployed (`trtc-chatops run`, HTTP
mode, configured by environment, each held to half of TRTC's per-account rate
limit) sharing one fresh PostgreSQL database, and this one, which hosts the
fake Slack Web API (the tests'), the TRTC simulator
(LATENCY ms on every call, ERROR_RATE of valid calls answered InternalError,
20 calls per second per action before RequestLimitExceeded) and the load
generator. The generator plays Slack and its users, CONCURRENCY flows at a
time: reads, malformed and denied commands, kicks and mutes confirmed with a
click, dismissals whose Approve a lead clicks twice at once (one click to each
replica), @mentions of which some are redelivered (same event id,
X-Slack-Retry-Num, often to the other replica), and signed TRTC callbacks,
some to both replicas. Each request goes to one replica in turn; when its
connection fails it goes to the other (an event as Slack retries it, a command
or click afresh, as its user would), and it counts as sent once a replica
answers 200. At KILL_AT of the run one replica is SIGKILLed, and restarted on
its port 3 s later.

Once the database has settled: Slack requests acknowledged vs audit records
(key by key when the audit has a `delivery` column), mutations TRTC applied
twice to one target (a user kicked, muted or unmuted, a room dismissed),
approvals clicked but never finished, operations recovered and Slack
deliveries taken over after the kill (and how long after it), ack latency
against GET /healthz measured during the run, errors users were shown, by
code, and what the simulator injected. Exit 0 only if every acknowledged request was audited
once, nothing ran twice and no approval was lost; 1 otherwise, or when
DEADLINE s pass first (it prints what it has).

    eval "$(scripts/postgres.sh start)"
    .venv/bin/python bench/soak.py [--requests 10000] [--concurrency 32]
        [--latency-ms 200] [--error-rate 0.05] [--kill-at 0.4] [--deadline-s 1200]
        [--seed 0] [--database-url postgresql+asyncpg://…] [--keep-database]
        [--replicas 2] [--no-kill] [--responders 1]

For a capacity figure, ``--no-kill`` and ``--replicas N`` (1–8, all pacing on the
account's one TRTC rate limit through the database): the Throughput section gives
acks/s, operations/s and callbacks/s over the sending phase, and the CPU seconds each
replica and the load generator spent in it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import asyncpg

from bot.trtc.simulator import RecordedRequest, SimulatorConfig, serve_simulator

# bench/ is not a package: the fake Slack and the request signing are the tests'
# (tests/ is not installed), and the soak's parts are in this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak_parts.accounts import ACCOUNT_RATE_LIMIT, SECRET_ID, SECRET_KEY
from soak_parts.balancer import Balancer, now_s
from soak_parts.database import create_database, drop_database, plain
from soak_parts.figures import read_audit, takeovers
from soak_parts.flows import Users
from soak_parts.plan import LEAD, Plan, make_plan, responders
from soak_parts.processes import NAMES, RATE_LIMIT, ReplicaDown, replicas
from soak_parts.report import Report
from soak_parts.run import VICTIM, Run
from soak_parts.settle import settle
from soak_parts.slack import SoakSlack
from soak_parts.table import listing

from tests.support.fake_slack import serve_fake_slack

POSTGRES_ENV = "TRTC_CHATOPS_TEST_POSTGRES_URL"
SETTLE_S = 300.0


async def run(args: argparse.Namespace, server: str) -> int:
    started = time.monotonic()
    plan = make_plan(args.requests, random.Random(args.seed), args.responders)
    name, database_url = await create_database(server)
    folder = Path(tempfile.mkdtemp(prefix="trtc-soak-"))
    code = 1
    try:
        code = await _run(args, plan, database_url, folder, started)
    finally:
        if not args.keep_database:
            await drop_database(server, name)
        if code != 0 or args.keep_database:
            print(
                f"logs and details: {folder}" + (f"; database {name}" if args.keep_database else "")
            )
        else:  # a pass leaves nothing behind
            shutil.rmtree(folder, ignore_errors=True)
    return code


async def _run(
    args: argparse.Namespace, plan: Plan, database_url: str, folder: Path, started: float
) -> int:
    config = SimulatorConfig(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        seed=args.seed,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_limit=ACCOUNT_RATE_LIMIT,
        scenario=plan.scenario(),
    )
    oncall = responders(args.responders)
    fake = SoakSlack(usergroups={"S0ONCALL": oncall, "S0LEADS": [LEAD]})
    connector = aiohttp.TCPConnector(limit=0)
    async with (
        serve_simulator(config) as sim,
        serve_fake_slack(fake),
        aiohttp.ClientSession(connector=connector) as http,
    ):
        bots = replicas(fake.url, sim.url, database_url, folder, args.replicas)
        try:
            for replica in bots:  # one at a time: the first one migrates the database
                replica.start()
                await replica.healthy(http)
            balancer = Balancer(bots, http, time.monotonic())
            soak = Run(args, plan, Users(fake, balancer, http), bots, balancer.start)
            return await drive(
                args, soak, fake, sim.simulator.requests, database_url, http, folder, started
            )
        finally:
            for replica in bots:
                await replica.stop()


async def drive(
    args: argparse.Namespace,
    soak: Run,
    fake: SoakSlack,
    requests: list[RecordedRequest],
    database_url: str,
    http: aiohttp.ClientSession,
    folder: Path,
    started: float,
) -> int:
    chaos = soak.chaos(http) if args.kill else asyncio.sleep(0)
    helpers = [asyncio.create_task(t) for t in (chaos, soak.probe(http), soak.progress())]
    budget = args.deadline_s - (time.monotonic() - started)
    finished = True
    try:
        await asyncio.wait_for(soak.load(), timeout=max(budget - SETTLE_S, 10))
    except TimeoutError:
        finished = False
        soak.say("deadline: stopped sending")
    soak.cpu_s = {r.name: r.spent_s + r.cpu_s() for r in soak.replicas}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soak.cpu_s["load generator"] = usage.ru_utime + usage.ru_stime
    for task in helpers[1:]:
        task.cancel()
    soak.say(f"{len(soak.users.balancer.acked)} acknowledged; waiting for the bot to settle")
    conn = await asyncpg.connect(plain(database_url))
    try:
        left = args.deadline_s - (time.monotonic() - started)
        clicked = [*soak.users.record.confirmed, *soak.users.record.approved]
        settled, calm = await settle(conn, clicked, max(min(SETTLE_S, left), 5))
        helpers[0].cancel()
        soak.say(settled)
        audit = await read_audit(conn, clicked)
    finally:
        await conn.close()
    taken = takeovers({r.name: r.log for r in soak.replicas})
    report = Report(soak, fake, requests, audit, taken)
    failures = report.print(header(args, soak, settled))
    if not finished:
        failures.append("the deadline passed before every request was sent")
    if not calm:
        failures.append("the bot was still working when the figures were taken")
    save_details(folder, soak, report)
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("PASS: every acknowledged request audited once, nothing ran twice, no approval lost")
    return 0


def header(args: argparse.Namespace, soak: Run, settled: str) -> list[str]:
    kill, plan = soak.users.record.kill, soak.plan
    victim = soak.replicas[VICTIM].name if len(soak.replicas) > VICTIM else "-"
    killed = f"replica {victim} was not killed" if args.kill else "none (--no-kill)"
    if kill is not None:
        back = f"healthy again at {kill.back:.1f} s" if kill.back else "not back"
        killed = f"replica {victim} SIGKILLed at {kill.at:.1f} s, restarted, {back}"
    return [
        f"soak: {args.requests} Slack requests planned in {len(plan.flows)} flows "
        f"({listing(Counter(f.kind for f in plan.flows))}), {args.concurrency} at a time",
        f"processes: {len(soak.replicas)} replicas (`trtc-chatops run`, HTTP, "
        f"TRTC_RATE_LIMIT={RATE_LIMIT:g} each) on one PostgreSQL database; "
        "this one: fake Slack, TRTC simulator, load",
        f"TRTC simulator: +{args.latency_ms:g} ms per call, {args.error_rate:.0%} InternalError, "
        f"{ACCOUNT_RATE_LIMIT} calls/s per action; "
        f"{plan.kick_rooms + plan.dismiss_rooms} scenario rooms",
        f"kill: {killed}",
        f"run: {now_s(soak.start):.1f} s; {settled}",
        f"machine: {os.cpu_count()} CPUs (every process above shares them), "
        f"Python {sys.version.split()[0]}",
    ]


def save_details(folder: Path, soak: Run, report: Report) -> None:
    balancer, record = soak.users.balancer, soak.users.record
    details = {
        "kill": vars(record.kill) if record.kill else None,
        "acked": [vars(a) for a in balancer.acked.values()],
        "failed_attempts": [vars(a) for a in balancer.attempts if a.outcome != "200"],
        "stalls": [(w, y, vars(a) if a else None) for w, y, a in record.stalls],
        "takeovers": [vars(t) for t in report.takeovers],
        **report.verdict.details,
    }
    (folder / "soak-details.json").write_text(json.dumps(details, indent=1, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=10_000, help="Slack requests to send")
    parser.add_argument("--concurrency", type=int, default=32, help="flows in flight")
    parser.add_argument("--latency-ms", type=float, default=200.0, help="TRTC simulator latency")
    parser.add_argument("--error-rate", type=float, default=0.05, help="TRTC InternalError share")
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction of the run")
    parser.add_argument("--database-url", default=os.environ.get(POSTGRES_ENV))
    parser.add_argument("--keep-database", action="store_true", help="for a post-mortem")
    parser.add_argument("--deadline-s", type=float, default=1200.0, help="the run stops by then")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replicas", type=int, default=2, help="bot replicas (1-8)")
    parser.add_argument(
        "--responders", type=int, default=1, help="on-call people sending the flows"
    )
    parser.add_argument(
        "--no-kill", dest="kill", action="store_false", help="no SIGKILL (capacity runs)"
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.exit(
            2,
            f'soak: no PostgreSQL server: run `eval "$(scripts/postgres.sh start)"` '
            f"(sets {POSTGRES_ENV}) or pass --database-url\n",
        )
    if not args.database_url.startswith("postgresql"):
        parser.error("--database-url must be a postgresql+asyncpg:// URL")
    if not (0 < args.kill_at < 1 and 0 <= args.error_rate <= 1):
        parser.error("--kill-at must be within (0, 1) and --error-rate within [0, 1]")
    if not 1 <= args.replicas <= len(NAMES) or (args.kill and args.replicas < 2):
        parser.error(f"--replicas must be 1-{len(NAMES)}, and at least 2 unless --no-kill")
    if args.requests < 1 or args.concurrency < 1 or args.latency_ms < 0 or args.responders < 1:
        parser.error(
            "--requests, --concurrency and --responders must be positive, --latency-ms not negative"
        )
    random.seed(args.seed)
    try:
        code = asyncio.run(asyncio.wait_for(run(args, args.database_url), args.deadline_s + 120))
    except ReplicaDown as down:
        raise SystemExit(f"soak: {down}") from None
    raise SystemExit(code)


if __name__ == "__main__":
    main()
