"""Requests nobody acted on in time are closed by the bot, on the record as
``system:expiry``, and their messages lose their buttons."""

from __future__ import annotations

from bot.core import replies
from bot.core.actor import SystemActor
from bot.core.auditing import Outcome
from bot.core.execution import Execution, chore
from bot.core.reply import Severity


async def expire_due(execution: Execution) -> int:
    """Expire every open operation past its deadline that this caller wins; how many."""
    services = execution.services
    expired = await services.store.operations.expire_due(services.clock())
    for op in expired:
        reply = replies.closed(op, "expired before anyone acted", Severity.WARNING)
        await execution.announce(chore(SystemActor.EXPIRY, op), op, Outcome.EXPIRED, reply)
    return len(expired)
