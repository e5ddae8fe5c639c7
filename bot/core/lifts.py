"""Timed mutes end by themselves: each due mute is claimed (one winner across
tasks and replicas) and its operation undone by ``system:timed-mute`` through the
one execution path, so the lift is audited and the mute's own messages show it
(their Undo gone: the operation is undone).

A lift TRTC refuses (or never answers) is not the end: the mute stays due, tried
again with exponential backoff capped at a few minutes, until it succeeds. The
thread is warned once, after the first failure; the success edits the messages
as any lift does. Nobody is left muted because one call failed.
"""

from __future__ import annotations

import logging

from bot.core.actor import SystemActor
from bot.core.execution import Execution, chore
from bot.core.markup import person
from bot.core.values import format_duration
from bot.store import Mute, MuteState

log = logging.getLogger(__name__)

RETRY_FIRST_S = 10.0  # the first retry after a failed lift
RETRY_MAX_S = 300.0  # backoff doubles up to this


def retry_delay(failures: int) -> float:
    """How long to wait after the ``failures``-th failed lift (1, 2, …)."""
    return min(RETRY_FIRST_S * 2.0 ** max(failures - 1, 0), RETRY_MAX_S)


async def lift_due(execution: Execution) -> int:
    """Lift every due mute this caller claims; how many were lifted."""
    services = execution.services
    lifted = 0
    mutes = services.store.mutes
    for mute in await mutes.due(services.clock(), mine=services.instance):
        if not await mutes.claim(mute, services.instance):
            continue  # another task or replica has it
        done = await _lift(execution, mute)
        if done is False and mute.operation_id is not None:
            failures = mute.attempts + 1
            at = services.clock() + retry_delay(failures)
            await mutes.retry_later(mute.id, at)
            log.warning("lifting mute %s failed (%s times); next try at %s", mute.id, failures, at)
            continue
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
        note=f"The {length} mute by {person(mute.muted_by)} is over: lifted automatically.",
        fallback=(
            f"The bot keeps trying (backing off up to {format_duration(RETRY_MAX_S)}); "
            f"to unmute now: unmute {mute.room_ref} {mute.user_id}"
        ),
        tell_failure=mute.attempts == 0,  # warn once, after the first failure
    )
    return attempt.done
