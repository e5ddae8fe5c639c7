"""`trtc-chatops` / `trtc-chatops run`: start in the mode the configuration selects."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot.cli import console
from bot.console.personas import DEFAULT_CHANNEL, DEFAULT_PERSONA
from bot.settings import SettingsError, SlackMode, load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="start in the mode the configuration selects (default)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"trtc-chatops: TRTC is {settings.trtc_mode.value}; Slack: {settings.slack_mode.value}")
    if settings.slack_mode is not SlackMode.CONSOLE:
        print(
            f"Slack {settings.slack_mode.value} mode is configured, but the Slack adapter is "
            "not built yet; unset the SLACK_* variables to use the console.",
            file=sys.stderr,
        )
        return 2
    return console.run(
        argparse.Namespace(who=DEFAULT_PERSONA, group=[], channel=DEFAULT_CHANNEL, policy=None)
    )
