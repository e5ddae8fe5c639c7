"""`trtc-chatops` / `trtc-chatops run`: start in the mode the configuration selects."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from typing import Any

from bot.settings import Settings, SettingsError, SlackMode, load_settings
from bot.trtc.backend import Backend, open_backend
from bot.trtc.errors import TrtcError

log = logging.getLogger("trtc-chatops")


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="start in the mode the configuration selects (default)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if settings.slack_mode is not SlackMode.CONSOLE:
        print(
            f"Slack {settings.slack_mode.value} mode is configured, but the Slack adapter is "
            "not built yet; unset the SLACK_* variables to run on the console.",
            file=sys.stderr,
        )
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings))
    return 0


async def _serve(settings: Settings) -> None:
    async with open_backend(settings) as backend:
        print(f"trtc-chatops: TRTC is {backend.label} ({backend.endpoint})", flush=True)
        print("trtc-chatops: Slack is not configured: console mode", flush=True)
        await _show_rooms(backend, settings)
        print(
            "trtc-chatops: the chat console arrives with the core (issue 4); "
            "Ctrl-C or end of input stops.",
            flush=True,
        )
        await _until_stdin_closes()


async def _show_rooms(backend: Backend, settings: Settings) -> None:
    """One real signed call at start-up proves credentials and endpoint work."""
    sdkappid = settings.trtc_sdk_app_id or 1400000001
    now = int(time.time())
    try:
        rooms = [r async for r in backend.client.rooms(sdkappid, now - 3600, now)]
    except TrtcError as exc:
        print(f"trtc-chatops: TRTC check failed: {exc}", flush=True)
        return
    live = [r for r in rooms if not r.is_finished]
    sample = ", ".join(r.room_string for r in live[:5])
    print(
        f"trtc-chatops: application {sdkappid}: {len(live)} live rooms in the last hour"
        + (f" ({sample}, …)" if sample else ""),
        flush=True,
    )


async def _until_stdin_closes() -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
