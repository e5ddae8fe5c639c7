"""Pipeline overhead per invocation, TRTC excluded: parse + authorize + audit write.

A no-op command that needs a TRTC read action (so it is parsed, authorized
against the sample policy and audited) runs through the real core on SQLite;
its handler returns at once, so the time is the pipeline's own. A denied kick
(parse + authorize + audit, no handler) is measured in the same run, and the
bare SQLite audit insert as the baseline the pipeline cannot beat.

    .venv/bin/python bench/pipeline.py [--n 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import create_core
from bot.authz import PolicyReloader
from bot.console.personas import PERSONAS, sample_policy_path
from bot.core.context import Context, StaticDirectory
from bot.core.invocation import Invocation, Origin
from bot.core.reply import Reply
from bot.core.spec import Args, CommandSpec, Param, ParamKind
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from commands import REGISTRY
from commands.actions import fixed_action


async def _noop(ctx: Context, args: Args) -> Reply:
    return Reply("ok")


NOOP = CommandSpec(
    name="noop",
    summary="does nothing",
    example="noop 1234",
    run=_noop,
    params=(Param("room", ParamKind.ROOM),),
    action=fixed_action("trtc:DescribeRoomInfo"),
)


def _stats(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples) * 1e6, samples[int(len(samples) * 0.99)] * 1e6


async def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp())
    store = await Store.open(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    reloader = PolicyReloader(sample_policy_path())
    # Never called: the no-op command and the denied kick do not reach TRTC.
    trtc = TrtcClient.create(secret_id="x", secret_key="y", endpoint="http://127.0.0.1:9")
    core = create_core(
        Settings(_env_file=None),  # type: ignore[call-arg]
        trtc=trtc,
        store=store,
        policies=lambda: reloader.current,
        directory=StaticDirectory({}),
        mode=TrtcMode.SIMULATOR,
        registry=(*REGISTRY, NOOP),
    )
    oncall, viewer = PERSONAS["oncall"], PERSONAS["viewer"]

    def inv(who: str, groups: frozenset[str], text: str) -> Invocation:
        return Invocation(who, "C0INCIDENT", text, Origin.CONSOLE, groups, "t")

    allowed = inv(oncall.user_id, oncall.groups, "noop 1234")
    denied = inv(viewer.user_id, viewer.groups, 'kick 1234 alice --reason "bench"')
    for _ in range(200):  # warm up
        await core.handle(allowed)
    results: dict[str, list[float]] = {"allowed no-op": [], "denied kick": [], "audit insert": []}
    for _ in range(n):
        t = time.perf_counter()
        await core.handle(allowed)
        results["allowed no-op"].append(time.perf_counter() - t)
        t = time.perf_counter()
        await core.handle(denied)
        results["denied kick"].append(time.perf_counter() - t)
        t = time.perf_counter()
        await store.audit.record(
            at=0.0, actor="U", channel="C", origin="console", text="x", outcome="ok"
        )
        results["audit insert"].append(time.perf_counter() - t)
    base = statistics.median(results["audit insert"])
    print(f"{n} invocations each, SQLite (WAL) in {folder}, interleaved")
    print(f"{'what':28} {'median µs':>10} {'p99 µs':>10} {'x audit insert':>15}")
    for name, samples in results.items():
        median, p99 = _stats(samples)
        print(f"{name:28} {median:10.0f} {p99:10.0f} {median / (base * 1e6):15.2f}")
    await trtc.close()
    await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="core pipeline overhead")
    parser.add_argument("--n", type=int, default=3000)
    asyncio.run(main(parser.parse_args().n))
