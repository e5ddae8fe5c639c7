"""The chat commands, one module each; ``REGISTRY`` orders them for help."""

from bot.core.spec import CommandSpec
from commands import (
    approvals,
    audit,
    can,
    dismiss,
    events,
    help,
    kick,
    mute,
    rooms,
    scale,
    unmute,
    users,
    whoami,
)

REGISTRY: tuple[CommandSpec, ...] = (
    help.SPEC,
    rooms.SPEC,
    users.SPEC,
    events.SPEC,
    kick.SPEC,
    mute.SPEC,
    unmute.SPEC,
    dismiss.SPEC,
    scale.SPEC,
    whoami.SPEC,
    can.SPEC,
    approvals.SPEC,
    audit.SPEC,
)

__all__ = ["REGISTRY"]
