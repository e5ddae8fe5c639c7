"""The chat commands, one module each; ``REGISTRY`` orders them for help."""

from bot.core import CommandSpec
from commands import (
    approvals,
    audit,
    can,
    dismiss,
    events,
    help,
    ingest,
    kick,
    mute,
    offair,
    quality,
    relays,
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
    scale.SPEC,
    whoami.SPEC,
    can.SPEC,
    approvals.SPEC,
    audit.SPEC,
    watch.SPEC,
    watch.UNWATCH_SPEC,
    relays.LIST_SPEC,
    offair.SPEC,
    relays.START_SPEC,
    relays.STOP_SPEC,
    ingest.SHOW_SPEC,
    ingest.START_SPEC,
    ingest.STOP_SPEC,
)

__all__ = ["REGISTRY"]
