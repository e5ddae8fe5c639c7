"""The chat commands, one module each; ``REGISTRY`` orders them for help."""

from bot.core import CommandSpec
from commands import (
    approvals,
    audit,
    can,
    dismiss,
    elevate,
    elevations,
    events,
    help,
    idle,
    kick,
    mute,
    quality,
    rooms,
    scale,
    unmute,
    usage,
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
    mute.SPEC,
    unmute.SPEC,
    dismiss.SPEC,
    scale.SPEC,
    usage.SPEC,
    idle.SPEC,
    whoami.SPEC,
    can.SPEC,
    approvals.SPEC,
    elevate.SPEC,
    elevations.SPEC,
    audit.SPEC,
    watch.SPEC,
    watch.UNWATCH_SPEC,
)

__all__ = ["REGISTRY"]
