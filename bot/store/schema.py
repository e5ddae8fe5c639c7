"""Every table the bot stores, in one metadata: what migrations are checked against.

The tables live beside the code that owns them (the Slack adapter's message
tracker, the callback feed's watches); importing them here registers them.
"""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    import bot.callbacks.records
    import bot.callbacks.watches
    import bot.slack.deliveries
    import bot.slack.messages
    from bot.store.tables import Base

    del bot  # the imports above are for their side effect: registering tables
    return Base.metadata
