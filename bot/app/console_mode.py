"""The console: the bot from ``open_bot`` with the personas' usergroups and a REPL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot import loops
from bot.app.root import open_bot
from bot.authz import PolicyReloader
from bot.console.files import private_folder, sweep
from bot.console.personas import PERSONAS, sample_policy_path
from bot.console.repl import Console, Identity
from bot.core.context import StaticDirectory
from bot.settings import Settings, TrtcMode


def policy_path(settings: Settings, given: Path | None) -> tuple[Path, bool]:
    """(path, is_sample): --policy, then TRTC_CHATOPS_POLICY_FILE, then the sample."""
    chosen = given or settings.trtc_chatops_policy_file
    return (chosen, False) if chosen else (sample_policy_path(), True)


# The names README and help use (prod/1234, staging/1234), for the simulator's two
# applications, unless TRTC_CHATOPS_APPS names applications itself.
SAMPLE_APPS = {"prod": 1400000001, "staging": 1400000002}


SWEEP_S = 3600  # charts older than a day go at start and then every hour


def swept(folder: Path) -> Callable[[], Awaitable[int]]:
    async def sweep_once() -> int:
        return sweep(folder)

    return sweep_once


def with_sample_apps(settings: Settings) -> Settings:
    if settings.trtc_chatops_apps or settings.trtc_mode is not TrtcMode.SIMULATOR:
        return settings
    return settings.model_copy(update={"trtc_chatops_apps": dict(SAMPLE_APPS)})


async def run_console(
    settings: Settings,
    *,
    who: str,
    groups: list[str],
    channel: str,
    policy: Path | None,
) -> None:
    path, is_sample = policy_path(settings, policy)
    settings = with_sample_apps(settings)
    reloader = PolicyReloader(path)  # a broken file raises here: fail closed
    directory = StaticDirectory({p.user_id: p.groups for p in PERSONAS.values()})
    # Live feed: the embedded simulator posts its event callbacks to a loopback
    # receiver, so `watch 1234` then `kick 1234 alice` shows the callback here.
    people = {p.name: p.user_id for p in PERSONAS.values()}  # `can lead kick 1234`
    async with open_bot(
        settings, policies=lambda: reloader.current, directory=directory, people=people
    ) as bot:
        simulator = bot.backend.simulator
        moves = simulator.simulator if simulator is not None else None  # `sim join …`
        charts = settings.trtc_chatops_chart_dir or private_folder()
        console = Console(bot.core, Identity.of(who, groups), channel, files=charts, people=moves)
        print(
            f"trtc-chatops console · TRTC: {bot.backend.label} · policy: {path}"
            + (" (bundled sample)" if is_sample else "")
        )
        if is_sample:
            print("Personas: " + ", ".join(f"{p.name} ({p.about})" for p in PERSONAS.values()))
            print("Switch with `as lead`; press an action by its number; `help` lists commands.")
        sweeping = loops.every(SWEEP_S, swept(charts), "chart sweep")
        async with bot.running(), loops.running(sweeping, "trtc-chatops-chart-sweep"):
            await console.run()
        await bot.settle()  # show callbacks still in flight
