"""Ban that holds: time from a banned user's rejoin to their removal, over many rejoins.

One process, loopback, as the console runs: the bot from ``open_bot`` on the embedded
simulator (SQLite file, TRTC's rate limit on: the client paces at TRTC_RATE_LIMIT
= 20 requests/s per action and the simulator refuses past 20/s), its callback
receiver, relay and tick. A lead bans ``troll`` from room 1234 (confirmed); then
``troll`` rejoins REJOINS times through the simulator (``Simulator.join``: a signed
103 callback to the bot's receiver). Each rejoin waits until troll is out again
(closed loop), or with ``--rate`` they come at that pace whatever happens (open loop).

Measured per rejoin: from the simulator queueing the 103 to the bot's RemoveUser
arriving at the simulator (its RecordedRequest time). Printed: p50, p99, max, how many
were removed, how many RemoveUser calls the simulator saw (one per rejoin: exactly
once) and how many it refused for the rate limit.

    .venv/bin/python bench/ban_rejoin.py [--rejoins 1000] [--rate 0]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.app import open_bot
from bot.authz import PolicyReloader
from bot.console.personas import PERSONAS, sample_policy_path
from bot.core.context import StaticDirectory
from bot.core.invocation import Invocation, Origin, Press
from bot.core.reply import ActionKind
from bot.settings import Settings
from bot.trtc.simulator import Simulator

APP, ROOM, USER = 1400000001, 1234, "troll"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _ban(bot: object) -> None:
    core = bot.core  # type: ignore[attr-defined]
    lead = PERSONAS["lead"]
    who = {"actor": lead.user_id, "channel": "C0INCIDENT", "usergroups": lead.groups}
    ask = await core.handle(
        Invocation(text=f"ban {ROOM} {USER}", origin=Origin.CONSOLE, thread="bench", **who)
    )
    confirm = next(a for a in ask.actions if a.kind is ActionKind.CONFIRM)
    done = await core.press(Press(action_id=confirm.id, thread="bench", **who))
    print(f"ban: {done.headline}")


async def run(rejoins: int, rate: float) -> int:
    folder = Path(tempfile.mkdtemp(prefix="ban-rejoin-"))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    )
    reloader = PolicyReloader(sample_policy_path())
    directory = StaticDirectory({p.user_id: p.groups for p in PERSONAS.values()})
    async with open_bot(settings, policies=lambda: reloader.current, directory=directory) as bot:
        running = bot.backend.simulator
        assert running is not None
        sim = running.simulator
        print(
            f"TRTC rate limit: client {settings.trtc_rate_limit:g}/s per action, "
            f"simulator {sim.config.rate_limit}/s; rejoins: {rejoins}, "
            + (f"open loop at {rate:g}/s" if rate else "closed loop")
        )
        async with bot.running():
            await _ban(bot)
            await asyncio.sleep(0.5)
            seen = len(sim.requests)
            joined: list[float] = []
            started = time.monotonic()
            for i in range(rejoins):
                if rate:
                    await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
                # Polling the simulator's world is the measurement: nothing signals it.
                while not sim.join(APP, ROOM, USER):  # noqa: ASYNC110 - the last one not out yet
                    await asyncio.sleep(0.001)
                joined.append(time.time())
                if not rate:
                    while USER in _present(sim):  # noqa: ASYNC110 - polled, as above
                        await asyncio.sleep(0.001)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _removed(sim, seen) < len(joined):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            elapsed = time.monotonic() - started
            await bot.settle()
    removals = [r for r in sim.requests[seen:] if r.action == "RemoveUser"]
    done = [r for r in removals if r.error_code is None]
    limited = sum(r.error_code == "RequestLimitExceeded" for r in removals)
    latencies = [(r.time - j) * 1000 for r, j in zip(done, joined, strict=False)]
    print(f"rejoins: {len(joined)} in {elapsed:.1f} s; removed: {len(done)}; "
          f"RemoveUser calls: {len(removals)} ({limited} refused for the rate limit)")  # fmt: skip
    if latencies:
        print(
            f"rejoin callback → RemoveUser at TRTC: p50 {_pct(latencies, 0.5):.1f} ms, "
            f"p99 {_pct(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms, "
            f"mean {statistics.fmean(latencies):.1f} ms"
        )
    return 0 if len(done) == len(joined) else 1


def _present(sim: Simulator) -> list[str]:
    room = sim.world.room(APP, ROOM)
    return room.present_user_ids() if room is not None else []


def _removed(sim: Simulator, seen: int) -> int:
    return sum(r.action == "RemoveUser" and r.error_code is None for r in sim.requests[seen:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rejoins", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0.0, help="rejoins/s (0: closed loop)")
    args = parser.parse_args()
    return asyncio.run(run(args.rejoins, args.rate))


if __name__ == "__main__":
    sys.exit(main())
