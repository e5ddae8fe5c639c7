"""The run in progress: the flows, CONCURRENCY at a time; the kill and restart; the
/healthz baseline; a progress line every 15 s."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

import aiohttp

from soak_parts.balancer import now_s
from soak_parts.flows import Kill, Users
from soak_parts.plan import Plan
from soak_parts.processes import Replica, ReplicaDown

VICTIM = 1  # replica B is killed
RESTART_AFTER_S = 3.0


class Run:
    def __init__(
        self,
        args: argparse.Namespace,
        plan: Plan,
        users: Users,
        replicas: list[Replica],
        start: float,
    ):
        self.args = args
        self.plan = plan
        self.users = users
        self.replicas = replicas
        self.start = start
        self.flows_done = 0
        self.load_s = 0.0  # how long sending took (set when it ends)
        self.cpu_s: dict[str, float] = {}  # CPU seconds per process, when sending ended

    def say(self, text: str) -> None:
        print(f"[{now_s(self.start):7.1f} s] {text}", flush=True)

    async def load(self) -> None:
        pending = iter(self.plan.flows)

        async def worker() -> None:
            for flow in pending:
                await self.users.run(flow)
                self.flows_done += 1

        try:
            await asyncio.gather(*(worker() for _ in range(self.args.concurrency)))
        finally:
            self.load_s = now_s(self.start)

    async def chaos(self, http: aiohttp.ClientSession) -> None:
        """SIGKILL replica B once KILL_AT of the requests are acknowledged; restart it."""
        target = int(self.args.kill_at * self.args.requests)
        await self.users.balancer.reaching(target).wait()
        victim = self.replicas[VICTIM]
        kill = Kill(victim.name, now_s(self.start), time.time())
        victim.kill()
        self.users.record.kill = kill
        self.say(f"SIGKILL replica {victim.name} ({len(self.users.balancer.acked)} acknowledged)")
        await asyncio.sleep(RESTART_AFTER_S)
        victim.start()
        try:
            await victim.healthy(http)
        except ReplicaDown as down:
            self.say(f"restart failed: {down}")  # the run goes on with one replica
            return
        kill.back = now_s(self.start)
        self.say(f"replica {victim.name} restarted on port {victim.port} and healthy")

    async def probe(self, http: aiohttp.ClientSession) -> None:
        """The baseline: GET /healthz, each replica in turn, all through the run."""
        timeout = aiohttp.ClientTimeout(total=5)
        for turn in itertools.count():
            url = self.replicas[turn % len(self.replicas)].url + "/healthz"
            started = time.perf_counter()
            try:
                async with http.get(url, timeout=timeout) as response:
                    await response.read()
                    if response.status == 200:
                        self.users.record.health_ms.append((time.perf_counter() - started) * 1e3)
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)

    async def progress(self) -> None:
        while True:
            await asyncio.sleep(15)
            acked = len(self.users.balancer.acked)
            rate = acked / max(now_s(self.start), 1e-9)
            self.say(
                f"{acked} acknowledged ({rate:.1f}/s), flows {self.flows_done}/"
                f"{len(self.plan.flows)}, failovers {self.users.balancer.failovers}"
            )
