"""TRTC events in plain words, and a bounded summary of many of them.

Text here is plain (the Reply contract): adapters escape it for their medium,
so a UserId such as ``<!channel>`` or ``*bold*`` is shown, never interpreted.
A digest keeps counts plus the first few names and lines, so a 500-user burst
costs the same memory as a 15-user one and renders as one summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from bot.callbacks.event import CallbackEvent, EventType
from bot.callbacks.publish import PUBLISH_GROUP, describe_detail, failed
from bot.core.reply import Reply, Severity

MAX_LINES = 12  # events listed one by one; beyond this, grouped by kind
NAMES_SHOWN = 10  # names listed per kind in a grouped summary
MAX_NAME = 64


class ChangeKind(StrEnum):
    """Kinds in the order summaries list them."""

    KICKED = "kicked"
    TIMED_OUT = "timed out"
    LEFT = "left"
    JOINED = "joined"
    ROLE = "switched role"
    MEDIA = "media changes"
    CREATED = "room created"
    DISMISSED = "room dismissed"
    RELAY_FAILED = "CDN relay failures"
    RELAY = "CDN relay events"
    OTHER = "other events"


ROLES = {20: "anchor", 21: "audience"}
TERMINALS = {1: "Windows", 2: "Android", 3: "iOS", 4: "Linux", 100: "other device"}
ENTER_REASONS = {
    2: "after a network change",
    3: "again after a timeout",
    4: "for a cross-room call",
}
EXIT_REASONS: dict[int, tuple[ChangeKind, str]] = {
    1: (ChangeKind.LEFT, "left"),
    2: (ChangeKind.TIMED_OUT, "timed out (connection lost)"),
    3: (ChangeKind.KICKED, "was removed from the room (kicked)"),
    4: (ChangeKind.LEFT, "left (cross-room call cancelled)"),
    5: (ChangeKind.TIMED_OUT, "dropped (app process killed)"),
}
MEDIA = {
    EventType.START_VIDEO: "turned video on",
    EventType.STOP_VIDEO: "turned video off",
    EventType.START_AUDIO: "turned audio on",
    EventType.STOP_AUDIO: "turned audio off",
    EventType.START_SUBSTREAM: "started screen sharing",
    EventType.STOP_SUBSTREAM: "stopped screen sharing",
}


def name_of(user_id: str | None) -> str:
    """One line, bounded: whitespace and line breaks collapse, long ids are cut."""
    if not user_id:
        return "someone"
    name = " ".join(user_id.split()) or "?"
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def describe(event: CallbackEvent) -> tuple[ChangeKind, str]:
    """(kind, "alice was removed from the room (kicked)")."""
    if event.group == PUBLISH_GROUP:
        kind = ChangeKind.RELAY_FAILED if failed(event.detail) else ChangeKind.RELAY
        return kind, describe_detail(event.detail)
    who = name_of(event.user_id)
    match event.type:
        case EventType.ENTER_ROOM:
            role = ROLES.get(event.role or 0)
            details = [d for d in (f"as {role}" if role else None,) if d]
            reason = ENTER_REASONS.get(event.reason or 1)
            if reason:
                details.append(reason)
            device = TERMINALS.get(event.terminal or 0)
            tail = f" ({device})" if device else ""
            return ChangeKind.JOINED, " ".join([f"{who} joined", *details]) + tail
        case EventType.EXIT_ROOM:
            kind, words = EXIT_REASONS.get(event.reason or 0, (ChangeKind.LEFT, "left"))
            return kind, f"{who} {words}"
        case EventType.CHANGE_ROLE:
            role = ROLES.get(event.role or 0, f"role {event.role}")
            return ChangeKind.ROLE, f"{who} switched to {role}"
        case EventType.CREATE_ROOM:
            return ChangeKind.CREATED, f"room created by {who}" if event.user_id else "room created"
        case EventType.DISMISS_ROOM:
            return ChangeKind.DISMISSED, "room dismissed: everyone was removed"
    if event.type in MEDIA:
        return ChangeKind.MEDIA, f"{who} {MEDIA[EventType(event.type)]}"
    return ChangeKind.OTHER, f"event {event.type}" + (f" for {who}" if event.user_id else "")


def clock(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%H:%M:%S UTC")


@dataclass
class Digest:
    """What happened in one room over one stretch of time, bounded in size."""

    room: str  # as shown: "1400000001/1234"
    counts: Counter[ChangeKind] = field(default_factory=Counter)
    names: dict[ChangeKind, list[str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    total: int = 0
    last_s: float = 0.0  # when the latest event happened

    def add(self, event: CallbackEvent) -> None:
        kind, words = describe(event)
        self.counts[kind] += 1
        self.total += 1
        self.last_s = max(self.last_s, event.at_s)
        shown = self.names.setdefault(kind, [])
        if event.user_id and len(shown) < NAMES_SHOWN:
            shown.append(name_of(event.user_id))
        if len(self.lines) < MAX_LINES:
            self.lines.append(f"{clock(event.at_s)}  {words}")

    @property
    def serious(self) -> bool:
        return any(
            self.counts[k]
            for k in (
                ChangeKind.KICKED,
                ChangeKind.TIMED_OUT,
                ChangeKind.DISMISSED,
                ChangeKind.RELAY_FAILED,
            )
        )

    def summary(self) -> str:
        if self.total == 1:
            return self.lines[0].split("  ", 1)[1]
        parts = []
        for kind in ChangeKind:
            n = self.counts[kind]
            if n == 0:
                continue
            if kind in (ChangeKind.CREATED, ChangeKind.DISMISSED):
                parts.append(kind.value if n == 1 else f"{kind.value} ×{n}")
            else:
                parts.append(f"{n} {kind.value}")
        return ", ".join(parts)

    def details(self) -> list[str]:
        if self.total <= MAX_LINES:
            return list(self.lines)
        out = []
        for kind in ChangeKind:
            n = self.counts[kind]
            if n == 0:
                continue
            names = self.names.get(kind, [])
            listed = ", ".join(names)
            more = f" and {n - len(names)} more" if n > len(names) and names else ""
            out.append(
                f"{kind.value.capitalize()} ({n}): {listed}{more}"
                if names
                else f"{kind.value.capitalize()} ({n})"
            )
        return out


def render(digests: list[Digest], *, updated_s: float) -> Reply:
    """One message for a thread: a headline per room, the details below."""
    digests = [d for d in digests if d.total]
    fields = (("Updated", clock(updated_s)),)
    if len(digests) == 1:
        only = digests[0]
        headline = f"Room {only.room}: {only.summary()}"
        lines = only.details()
        if only.total == 1:  # the headline says it all; say when
            lines, fields = [], (("At", clock(only.last_s)),)
    else:
        headline = "; ".join(f"Room {d.room}: {d.summary()}" for d in digests)
        lines = [f"{d.room}  {line}" for d in digests for line in d.details()]
    if any(d.counts[ChangeKind.DISMISSED] for d in digests):
        lines.append("The room is gone, so watching it has ended.")
    return Reply(
        headline=headline,
        severity=Severity.WARNING if any(d.serious for d in digests) else Severity.INFO,
        lines=tuple(lines),
        fields=fields,
    )
