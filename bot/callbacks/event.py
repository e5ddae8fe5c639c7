"""One TRTC room or media callback, read strictly from its (already verified) body.

Body: ``{"EventGroupId": 1, "EventType": 103, "CallbackTs": <ms>, "EventInfo":
{"RoomId": 12345 | "str", "EventTs": <s>, "EventMsTs": <ms>, "UserId": "…",
"Role": 20|21, "Reason": …, …}}``. Fields TRTC may add later are ignored;
a body that is not this shape is ``MalformedCallback`` (HTTP 400).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from bot.callbacks.publish import PUBLISH_GROUP, read_publish
from bot.callbacks.publish import event_ms as publish_ms

ROOM_GROUP = 1
MEDIA_GROUP = 2
MAX_ROOM = 128  # characters; TRTC string rooms are at most 64 bytes
MAX_USER = 128


class EventType(IntEnum):
    CREATE_ROOM = 101
    DISMISS_ROOM = 102
    ENTER_ROOM = 103
    EXIT_ROOM = 104
    CHANGE_ROLE = 105
    START_VIDEO = 201
    STOP_VIDEO = 202
    START_AUDIO = 203
    STOP_AUDIO = 204
    START_SUBSTREAM = 205
    STOP_SUBSTREAM = 206


class MalformedCallback(ValueError):
    """The body is not a TRTC callback; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class CallbackEvent:
    sdkappid: int
    group: int
    type: int
    callback_ms: int
    # Room events carry RoomId; other groups (recording, AI) may not.
    room: str | None
    numeric: bool
    event_ms: int | None
    user_id: str | None = None
    role: int | None = None
    reason: int | None = None
    terminal: int | None = None
    # A relay callback's TaskId, masked URL and status (JSON, bot/callbacks/publish.py).
    detail: str | None = None
    # Identity of the event for de-duplication (see ``identity``).
    key: str = ""

    @property
    def at_s(self) -> float:
        """When it happened (the callback time when TRTC left EventMsTs out)."""
        return (self.event_ms if self.event_ms is not None else self.callback_ms) / 1000


def identity(group: int, type_: int, info: dict[str, Any]) -> str:
    """What stays the same when TRTC retries: the event, not the send time.

    CallbackTs is when a delivery was sent, so it is left out; the SdkAppId
    header is not covered by the signature, so it is left out too (a replay
    with another header is still the same event).
    """
    canonical = json.dumps(
        {"g": group, "t": type_, "i": info}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _required(data: dict[str, Any], name: str) -> int:
    value = _int(data, name)
    if value is None:
        raise MalformedCallback(f"{name} is missing")
    return value


def _int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    # bool is an int in Python; JSON true is not a number.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedCallback(f"{name} must be a whole number")
    return value


def _text(value: object, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedCallback(f"{name} must be a non-empty string")
    if len(value) > limit:
        raise MalformedCallback(f"{name} is longer than {limit} characters")
    return value


def parse_event(body: bytes, sdkappid_header: str | None) -> CallbackEvent:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedCallback(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MalformedCallback("the body must be a JSON object")
    sdkappid = _sdkappid(sdkappid_header)
    group = _required(data, "EventGroupId")
    type_ = _required(data, "EventType")
    callback_ms = _required(data, "CallbackTs")
    info = data.get("EventInfo")
    if not isinstance(info, dict):
        raise MalformedCallback("EventInfo must be a JSON object")
    room, numeric = _room(info, required=group in (ROOM_GROUP, MEDIA_GROUP, PUBLISH_GROUP))
    detail, moment = None, _event_ms(info)
    if group == PUBLISH_GROUP:
        try:
            detail = read_publish(info).to_detail()
        except ValueError as exc:
            raise MalformedCallback(str(exc)) from None
        # RoomType says what kind of room it is even when RoomId comes as a string.
        room_type = info.get("RoomType")
        if room_type in (0, 1) and room is not None:
            numeric = room_type == 0 and room.isascii() and room.isdigit()
        moment = publish_ms(info)
    user = info.get("UserId")
    return CallbackEvent(
        sdkappid=sdkappid,
        group=group,
        type=type_,
        callback_ms=callback_ms,
        room=room,
        numeric=numeric,
        event_ms=moment,
        user_id=None if user is None else _text(user, "EventInfo.UserId", MAX_USER),
        role=_int(info, "Role"),
        reason=_int(info, "Reason"),
        terminal=_int(info, "TerminalType"),
        detail=detail,
        key=identity(group, type_, info),
    )


def _sdkappid(header: str | None) -> int:
    text = (header or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise MalformedCallback("the SdkAppId header must be a positive number")
    return int(text)


def _room(info: dict[str, Any], *, required: bool) -> tuple[str | None, bool]:
    """A number is a numeric room; a string is a string room (see ``matches``)."""
    value = info.get("RoomId")
    if value is None:
        if required:
            raise MalformedCallback("EventInfo.RoomId is missing")
        return None, False
    if isinstance(value, bool):
        raise MalformedCallback("EventInfo.RoomId must be a number or a string")
    if isinstance(value, int):
        if value <= 0:
            raise MalformedCallback("EventInfo.RoomId must be positive")
        return str(value), True
    return _text(value, "EventInfo.RoomId", MAX_ROOM), False


def _event_ms(info: dict[str, Any]) -> int | None:
    ms = _int(info, "EventMsTs")
    if ms is not None:
        return ms
    raw = info.get("EventTs")
    # Recording callbacks' official examples send EventTs as a string ("1622186354").
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw) * 1000
    seconds = _int(info, "EventTs")
    return None if seconds is None else seconds * 1000


def matches(event: CallbackEvent, room: str, numeric: bool) -> bool:
    """Does the event concern this room?

    TRTC's own 102 example gives a numeric room's id as a string ("12345"), so
    a dismissal naming a digit string is taken to mean either room of that id.
    """
    if event.room != room:
        return False
    if event.numeric == numeric:
        return True
    return event.type == EventType.DISMISS_ROOM and numeric and not event.numeric
