"""The chat commands, one module each; ``REGISTRY`` orders them for help."""

from bot.core import CommandSpec
from commands import (
    approvals,
    audit,
    ban,
    bans,
    can,
    dismiss,
    events,
    help,
    kick,
    mute,
    quality,
    rooms,
    scale,
    unban,
    unmute,
    users,
    watch,
    whoami,
)

REGISTRY: tuple[CommandSpec, ...] = (
    help.SPEC,
    rooms.SPEC,
    users.SPEC,
    events.SPEC,
    quality.SPEC,
    kick.SPEC,
    ban.SPEC,
    unban.SPEC,
    bans.SPEC,
    mute.SPEC,
    unmute.SPEC,
    dismiss.SPEC,
    scale.SPEC,
    whoami.SPEC,
    can.SPEC,
    approvals.SPEC,
    audit.SPEC,
    watch.SPEC,
    watch.UNWATCH_SPEC,
)

__all__ = ["REGISTRY"]
