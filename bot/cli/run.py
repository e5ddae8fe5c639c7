"""`trtc-chatops` / `trtc-chatops run`: start in the mode the configuration selects."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from typing import Any

from bot import logs
from bot.cli import console
from bot.cli.configured import configured
from bot.console.personas import DEFAULT_CHANNEL, DEFAULT_PERSONA
from bot.settings import Settings, SlackMode


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="start in the mode the configuration selects (default)")
    parser.add_argument(
        "--mode",
        choices=[SlackMode.HTTP.value, SlackMode.SOCKET.value],
        default=None,
        help="this shape from one configuration (the Procfile's web: http, worker: socket); "
        "refused if its settings are missing",
    )
    parser.set_defaults(handler=run)


def shaped(settings: Settings, mode: str | None) -> Settings | str:
    """``settings`` run as ``mode`` (the other mode's settings set aside), or why not."""
    if mode is None:
        return settings
    if mode == SlackMode.HTTP.value:
        settings = settings.model_copy(update={"slack_app_token": None})
        need: tuple[str, ...] = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PORT")
    else:
        need = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    missing = [n for n in need if not getattr(settings, n.lower())]
    if missing:
        return f"--mode {mode} needs {', '.join(missing)}"
    return settings


def run(args: argparse.Namespace) -> int:
    logs.configure(logging.INFO)
    settings = configured()
    if settings is None:
        return 2
    chosen = shaped(settings, getattr(args, "mode", None))
    if isinstance(chosen, str):
        print(f"trtc-chatops: not starting: {chosen}", file=sys.stderr)
        return 2
    settings = chosen
    incomplete = settings.slack_incomplete()
    if incomplete is not None:
        print(f"trtc-chatops: not starting: {incomplete}", file=sys.stderr)
        return 2
    print(f"trtc-chatops: TRTC is {settings.trtc_mode.value}; Slack: {settings.slack_mode.value}")
    if settings.slack_mode is not SlackMode.CONSOLE:
        return run_slack(settings)
    return console.run(
        argparse.Namespace(who=DEFAULT_PERSONA, group=[], channel=DEFAULT_CHANNEL, policy=None)
    )


def run_slack(settings: Settings) -> int:
    """Socket Mode or HTTP; a missing or broken policy stops start-up (fail closed)."""
    # Imported here: the console and `policy check` need not load Bolt.
    from bot.app.slack_mode import StartupError
    from bot.app.slack_mode import run_slack as serve
    from bot.authz import PolicyError

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(settings))
    except StartupError as exc:
        print(f"trtc-chatops: {exc}", file=sys.stderr)
        return 2
    except PolicyError as exc:
        print(f"policy refused, not starting: {exc}", file=sys.stderr)
        return 2
    return 0
