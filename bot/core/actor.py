"""Who is behind a change: a person (their Slack user id) or a named part of the bot.

The bot's own work — a timed mute running out, a request expiring, recovery after
a crash, the daily usage digest, a banned user removed again on rejoin — enters the
same execution path as a person's request and is audited the same way; its actor is a
``SystemActor``, stored as its string value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from bot.core.invocation import Origin

SYSTEM_PREFIX = "system:"


class SystemActor(StrEnum):
    TIMED_MUTE = "system:timed-mute"
    EXPIRY = "system:expiry"
    RECOVERY = "system:recovery"
    DIGEST = "system:digest"  # the daily usage digest and usage alerts
    ELEVATION = "system:elevation"  # a break-glass window ending on time, its warning
    REMINDER = "system:reminder"  # reminders and escalations of pending approvals
    RECORDING = "system:recording"  # a recording's auto-stop, its custody record
    BAN = "system:ban"  # a banned user let back in removed again; a ban's time run out


def is_system(actor: str) -> bool:
    """True for the bot's own actors: no person to authorize."""
    return actor.startswith(SYSTEM_PREFIX)


@dataclass(frozen=True, slots=True)
class Chore:
    """Work the bot does by itself, in the thread it concerns; the audit's ``who``
    for it, as an ``Invocation`` or a ``Press`` is for a person's."""

    actor: SystemActor
    channel: str
    thread: str | None
    text: str
    origin: ClassVar[Origin] = Origin.SYSTEM
    delivery: ClassVar[None] = None  # no Slack delivery: nothing to deduplicate
