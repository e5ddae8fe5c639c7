"""Timed mutes end by themselves: each due mute is claimed (one winner across
tasks and replicas) and its operation undone by ``system:timed-mute`` through the
one execution path, so the lift is audited and the mute's own messages show it
(their Undo gone: the operation is undone)."""

from __future__ import annotations

import logging

from bot.core.actor import SystemActor
from bot.core.execution import Execution, chore
from bot.core.values import format_duration
from bot.store import Mute, MuteState

log = logging.getLogger(__name__)


async def lift_due(execution: Execution) -> int:
    """Lift every due mute this caller claims; how many were lifted."""
    services = execution.services
    lifted = 0
    mutes = services.store.mutes
    for mute in await mutes.due(services.clock()):
        if not await mutes.claim(mute, services.instance):
            continue  # another task or replica has it
        done = await _lift(execution, mute)
        final = {True: MuteState.LIFTED, False: MuteState.FAILED, None: MuteState.UNDONE}[done]
        await mutes.transition(mute.id, MuteState.LIFTING, final)
        lifted += done is True
    return lifted


async def _lift(execution: Execution, mute: Mute) -> bool | None:
    """True once unmuted, False if TRTC refused, None if someone's Undo came first."""
    ops = execution.services.store.operations
    op = await ops.get(mute.operation_id) if mute.operation_id is not None else None
    if op is None:  # every mute is made by a confirmed operation; a row without is damaged
        log.error("mute %s has no operation to undo: unmute %s by hand", mute.id, mute.user_id)
        return False
    length = format_duration((mute.until or mute.created_at) - mute.created_at)
    attempt = await execution.undo(
        op,
        chore(SystemActor.TIMED_MUTE, op),
        note=f"The {length} mute by {mute.muted_by} is over: lifted automatically.",
        fallback=f"Unmute by hand: unmute {mute.room_ref} {mute.user_id}",
    )
    return attempt.done
