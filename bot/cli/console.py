"""`trtc-chatops console`: the terminal adapter over the same core as Slack."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

from bot.app.console_mode import run_console
from bot.authz import PolicyError
from bot.cli.configured import configured
from bot.console.personas import DEFAULT_CHANNEL, DEFAULT_PERSONA
from bot.console.repl import unknown_persona


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "console",
        help="the chat commands in a terminal (reads stdin line by line when piped)",
        description="Run chat commands in a terminal, through the same core as Slack.",
    )
    parser.add_argument(
        "--as",
        dest="who",
        default=DEFAULT_PERSONA,
        metavar="USER",
        help="a persona (oncall, lead, viewer) or a Slack user id",
    )
    parser.add_argument(
        "--group", action="append", default=[], metavar="S", help="a usergroup of USER (repeatable)"
    )
    parser.add_argument("--channel", default=DEFAULT_CHANNEL, metavar="C")
    parser.add_argument("--policy", type=Path, default=None, metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    refused = None if args.group else unknown_persona(args.who)
    if refused is not None:
        print(f"trtc-chatops console: {refused}", file=sys.stderr)
        return 2
    settings = configured()
    if settings is None:
        return 2
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(
                run_console(
                    settings,
                    who=args.who,
                    groups=args.group,
                    channel=args.channel,
                    policy=args.policy,
                )
            )
    except PolicyError as exc:
        print(f"policy refused, not starting: {exc}", file=sys.stderr)
        return 2
    return 0
