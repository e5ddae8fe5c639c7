"""What comes in: a typed command or a pressed button, from any adapter.

Identity (``actor``, ``usergroups``) comes from the adapter's authenticated
source — the signed Slack payload, the console persona — never from text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.markup import clean
from bot.trtc.masking import mask_text


class Origin(StrEnum):
    SLASH = "slash"
    MENTION = "mention"
    BUTTON = "button"
    CONSOLE = "console"
    HOME = "home"
    SYSTEM = "system"  # the bot's own work (a timed mute's lift, an expiry, a recovery)


@dataclass(frozen=True, slots=True)
class Invocation:
    actor: str
    channel: str
    text: str
    origin: Origin
    usergroups: frozenset[str] = field(default_factory=frozenset)
    thread: str | None = None
    delivery: str | None = None  # the Slack delivery it came in: one audit record each
    # What was typed, secrets and all: only the grammar reads it. ``text`` — what is
    # audited, stored with an operation, logged and shown — has every URL masked, so a
    # stream key typed into ``relay start --url`` is parsed but never kept.
    typed: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        # Typed text never carries the markup's delimiters (see ``bot.core.markup``).
        typed = clean(self.typed or self.text)
        object.__setattr__(self, "typed", typed)
        object.__setattr__(self, "text", mask_text(typed))


@dataclass(frozen=True, slots=True)
class Press:
    """A button press; ``action_id`` is the opaque id the core put on the action."""

    actor: str
    channel: str
    action_id: str
    origin: Origin = Origin.BUTTON
    usergroups: frozenset[str] = field(default_factory=frozenset)
    thread: str | None = None
    delivery: str | None = None
