"""A slow command's progress in the console: each new line printed as it comes.

Slack edits one status message (``bot.slack.progress``); a terminal simply prints
the line, indented and marked, so `quality` on a 1,000-user room is not silent for
its ten seconds. The core's fetches already throttle what they report (one line
every couple of seconds), so nothing is dropped here but a line said twice.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.console.render import shown


class ProgressLines:
    """The console's ``progress`` for ``Core.handle``: writes through ``write`` (the
    console's own, so a line lands above the prompt like a notice)."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._last: str | None = None

    async def __call__(self, text: str) -> None:
        if text != self._last:
            self._last = text
            self._write(f"  … {shown(text)}")
