"""What stops when the console does: `quit` names it and asks again.

The console's bot is the only one running: when it stops, nobody lifts a timed mute,
answers an approval or follows a watch any more. Read from the store, nothing else.
"""

from __future__ import annotations

from bot.core.dispatcher import Core
from bot.store.tables.core import OperationState


async def still_open(core: Core) -> list[str]:
    """One line per kind of thing still in force, e.g. "2 timed mutes (not lifted when
    due)"; empty when quitting loses nothing."""
    services = core.services
    store = services.store
    now = services.clock()
    waiting = await store.operations.in_state(
        OperationState.PENDING_APPROVAL, OperationState.AWAITING_CONFIRM
    )
    apps = set(services.grammar.apps.values())
    if services.grammar.default_app is not None:
        apps.add(services.grammar.default_app)
    timed = [m for app in sorted(apps) for m in await store.mutes.in_force_where(app)]
    timed = [m for m in timed if m.until is not None]
    watches = await store.watches.active(now)
    bans = await store.bans.listing(now)
    found = [
        (len(waiting), "request", "left unanswered"),
        (len(timed), "timed mute", "not lifted when due"),
        (len(watches), "watch", "callbacks no longer shown"),
        (len(bans), "ban", "rejoins no longer removed"),
    ]
    return [f"{n} {what}{'' if n == 1 else 's'} ({why})" for n, what, why in found if n]
