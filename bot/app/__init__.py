"""The composition root: the bot built once from Settings (Slack, console and tests alike).

The mode runners (``bot.app.slack_mode``, ``bot.app.console_mode``) are imported
by the CLI only when chosen, so ``policy check`` does not load Bolt.
"""

from bot.app.backend import Backend, open_backend
from bot.app.core import SIMULATOR_APP, background, create_core
from bot.app.root import Bot, database_url, open_bot

__all__ = [
    "SIMULATOR_APP",
    "Backend",
    "Bot",
    "background",
    "create_core",
    "database_url",
    "open_backend",
    "open_bot",
]
