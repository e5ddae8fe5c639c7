"""Room events as the live roster takes them (``bot.store.roster``).

101 create, 102 dismiss, 103 enter and 104 exit move the roster; role switches
and media events do not. A dismissal naming a digit string also ends the numeric
room of that id, as ``event.matches`` reads TRTC's own 102 example.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.callbacks.event import ROOM_GROUP, CallbackEvent, EventType
from bot.store.roster import Move, MoveKind

_KINDS: dict[int, MoveKind] = {
    EventType.CREATE_ROOM: MoveKind.CREATE,
    EventType.DISMISS_ROOM: MoveKind.DISMISS,
    EventType.ENTER_ROOM: MoveKind.ENTER,
    EventType.EXIT_ROOM: MoveKind.EXIT,
}


def moves(events: Iterable[CallbackEvent]) -> list[Move]:
    found: list[Move] = []
    for event in events:
        kind = _KINDS.get(event.type)
        if event.group != ROOM_GROUP or kind is None or event.room is None:
            continue
        if kind in (MoveKind.ENTER, MoveKind.EXIT) and event.user_id is None:
            continue
        at_ms = event.event_ms if event.event_ms is not None else event.callback_ms
        move = Move(
            kind,
            event.sdkappid,
            event.room,
            event.numeric,
            at_ms,
            user_id=event.user_id,
            terminal=event.terminal,
            reason=event.reason,
        )
        found.append(move)
        if kind is MoveKind.DISMISS and not event.numeric and event.room.isdigit():
            found.append(Move(kind, event.sdkappid, event.room, True, at_ms))
    return found
