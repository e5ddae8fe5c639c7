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
    quality,
    record,
    recordings,
    rooms,
    scale,
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
    mute.SPEC,
    unmute.SPEC,
    dismiss.SPEC,
    record.SPEC,
    record.STOP_SPEC,
    record.EXTEND_SPEC,
    recordings.SPEC,
    scale.SPEC,
    whoami.SPEC,
    can.SPEC,
    approvals.SPEC,
    audit.SPEC,
    watch.SPEC,
    watch.UNWATCH_SPEC,
)

__all__ = ["REGISTRY"]
