"""Assemble a console session: TRTC backend, database, policy, core, REPL."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from bot.app import background, create_core
from bot.authz import PolicyReloader
from bot.callbacks.service import local_callbacks  # also registers its tables
from bot.console.personas import PERSONAS, sample_policy_path
from bot.console.repl import Console, Identity
from bot.core.context import StaticDirectory
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.backend import open_backend

log = logging.getLogger(__name__)


def database_url(settings: Settings) -> str:
    """A rehearsal on the simulator gets a fresh database; real TRTC keeps its history."""
    if settings.database_url is not None:
        return settings.database_url
    if settings.trtc_mode is TrtcMode.SIMULATOR:
        folder = Path(tempfile.mkdtemp(prefix="trtc-chatops-"))
        return f"sqlite+aiosqlite:///{folder / 'console.sqlite3'}"
    return "sqlite+aiosqlite:///trtc-chatops.sqlite3"


def policy_path(settings: Settings, given: Path | None) -> tuple[Path, bool]:
    """(path, is_sample): --policy, then TRTC_CHATOPS_POLICY_FILE, then the sample."""
    chosen = given or settings.trtc_chatops_policy_file
    return (chosen, False) if chosen else (sample_policy_path(), True)


async def run_console(
    settings: Settings,
    *,
    who: str,
    groups: list[str],
    channel: str,
    policy: Path | None,
) -> None:
    path, is_sample = policy_path(settings, policy)
    reloader = PolicyReloader(path)  # a broken file raises here: fail closed
    directory = StaticDirectory({p.user_id: p.groups for p in PERSONAS.values()})
    store = await Store.open(database_url(settings))
    try:
        # Live feed: the embedded simulator posts its event callbacks to a local
        # receiver, so `watch 1234` then `kick 1234 alice` shows the callback here.
        async with (
            local_callbacks(settings, store) as feed,
            open_backend(settings, callback_url=feed.url, callback_key=feed.key) as backend,
        ):
            label = "SIMULATOR" if backend.mode is TrtcMode.SIMULATOR else None
            core = create_core(
                settings,
                trtc=backend.client,
                store=store,
                policies=lambda: reloader.current,
                directory=directory,
                label=label,
            )
            feed.service.deliver_to(core)
            console = Console(core, Identity.of(who, groups), channel)
            print(
                f"trtc-chatops console · TRTC: {backend.label} · policy: {path}"
                + (" (bundled sample)" if is_sample else "")
            )
            if is_sample:
                print("Personas: " + ", ".join(f"{p.name} ({p.about})" for p in PERSONAS.values()))
                print(
                    "Switch with `as lead`; press an action by its number; `help` lists commands."
                )
            async with background(core):
                await console.run()
            await feed.service.settle(backend.simulator)  # show callbacks still in flight
    finally:
        await store.close()
