"""`trtc-chatops callbacks --port P`: the TRTC event-callback receiver on its own port.

For Socket Mode deployments, which have no public HTTP server of their own:
this process verifies each callback (Sign, size, shape, freshness), stores it
once in the shared database and answers TRTC at once; the bot process's relay
picks the stored events up and posts them in the watching threads.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from bot.callbacks.receiver import CALLBACK_PATH
from bot.callbacks.service import receiver_only
from bot.cli.configured import configured
from bot.settings import Settings
from bot.store import Store

DEFAULT_HOST = "0.0.0.0"  # noqa: S104 - TRTC must reach the receiver
# The database the bot uses with Tencent Cloud when DATABASE_URL is unset.
DEFAULT_DATABASE = "sqlite+aiosqlite:///trtc-chatops.sqlite3"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "callbacks",
        help="serve the TRTC event-callback receiver on its own port",
        description=f"Receive TRTC room and media event callbacks on {CALLBACK_PATH}, verify "
        "their Sign with TRTC_CALLBACK_KEY and store each event once in DATABASE_URL, "
        "where the bot picks them up for `watch`. For Socket Mode deployments; in HTTP "
        "mode the bot serves the same path itself.",
    )
    parser.add_argument("--port", type=int, required=True, help="port to listen on (0: any)")
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = configured()
    if settings is None:
        return 2
    if settings.trtc_callback_key is None or not settings.trtc_callback_key.get_secret_value():
        print(
            "callbacks: TRTC_CALLBACK_KEY is not set; unsigned callbacks are never trusted, "
            "so not starting (set the key in the TRTC console and here)",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    try:
        asyncio.run(_serve(settings, args.host, args.port))
    except OSError as err:
        print(f"callbacks: cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)
        return 1
    return 0


async def _serve(settings: Settings, host: str, port: int) -> None:
    assert settings.trtc_callback_key is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    database = settings.database_url or DEFAULT_DATABASE
    store = await Store.open(database)
    try:
        key = settings.trtc_callback_key.get_secret_value()
        banlist = settings.trtc_chatops_banlist_key
        banlist_key = banlist.get_secret_value() if banlist is not None else None
        async with receiver_only(
            store, key, host=host, port=port, banlist_key=banlist_key or None
        ) as (url, intake):
            print(f"TRTC callback receiver listening on {url}", flush=True)
            print(f"Storing events in {_shown(database)}; the bot posts them.", flush=True)
            with contextlib.suppress(asyncio.CancelledError):
                await stop.wait()
            print(f"Stopping: {intake.stored} stored, {intake.duplicates} repeats.", flush=True)
    finally:
        await store.close()


def _shown(url: str) -> str:
    """The database URL without a password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "…@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
