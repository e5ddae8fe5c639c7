"""The configuration every sub-command starts from, or a precise complaint."""

from __future__ import annotations

import sys

from bot.settings import Settings, SettingsError, load_settings


def configured() -> Settings | None:
    """The settings; None after printing what is wrong, variable by variable (exit 2)."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None
