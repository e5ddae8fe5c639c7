"""Timed mutes end by themselves: each due mute is claimed (one winner across
tasks and replicas), unmuted on TRTC, and the thread is told."""

from __future__ import annotations

import logging

from bot.core.context import Services
from bot.core.notice import Notice, Notify
from bot.core.reply import Reply, Severity
from bot.core.values import format_duration
from bot.store import MuteState
from bot.trtc.errors import TrtcError
from bot.trtc.models import MuteMode

log = logging.getLogger(__name__)


async def lift_due(services: Services, notify: Notify) -> int:
    lifted = 0
    mutes = services.store.mutes
    for mute in await mutes.due(services.clock()):
        if not await mutes.claim(mute, services.instance):
            continue  # another task or replica has it
        room: int | str = int(mute.room) if mute.room_numeric else mute.room
        length = format_duration((mute.until or mute.created_at) - mute.created_at)
        try:
            request_id = await services.trtc.set_user_blocked(
                mute.sdkappid, room, mute.user_id, MuteMode.UNBLOCK
            )
        except TrtcError as exc:
            log.warning("could not lift mute %s: %s", mute.id, exc)
            await mutes.transition(mute.id, MuteState.LIFTING, MuteState.FAILED)
            reply = Reply(
                headline=f"Could not unmute {mute.user_id} in {mute.sdkappid}/{mute.room} "
                f"after {length}",
                severity=Severity.ERROR,
                lines=(
                    str(exc),
                    f"Unmute by hand: unmute {mute.sdkappid}/{mute.room} {mute.user_id}",
                ),
            )
        else:
            await mutes.transition(mute.id, MuteState.LIFTING, MuteState.LIFTED)
            lifted += 1
            reply = Reply(
                headline=f"Unmuted {mute.user_id} in {mute.sdkappid}/{mute.room}: "
                f"the {length} mute is over",
                severity=Severity.SUCCESS,
                fields=(("Muted by", mute.muted_by),),
                request_ids=(request_id,),
            )
        await notify(Notice(mute.channel, mute.thread, reply))
    return lifted
