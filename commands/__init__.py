"""The chat commands, one module each; ``REGISTRY`` orders them for help."""

from bot.core import CommandSpec
from commands import (
    approvals,
    audit,
    can,
    dismiss,
    events,
    help,
    kick,
    mute,
    mutes,
    quality,
    rooms,
    scale,
    unmute,
    users,
    watch,
    watches,
    whoami,
)

REGISTRY: tuple[CommandSpec, ...] = (
    help.SPEC,
    rooms.SPEC,
    users.SPEC,
    events.SPEC,
    quality.SPEC,
    kick.SPEC,
    mute.SPEC,
    unmute.SPEC,
    mutes.SPEC,
    dismiss.SPEC,
    scale.SPEC,
    whoami.SPEC,
    can.SPEC,
    approvals.SPEC,
    audit.SPEC,
    watch.SPEC,
    watch.UNWATCH_SPEC,
    watches.SPEC,
)

__all__ = ["REGISTRY"]
