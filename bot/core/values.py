"""The values commands take — rooms, users, durations — parsed strictly.

Each parser raises ``BadValue`` with a sentence that says what was wrong and
what would be right; nothing here talks to TRTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.trtc.rooms import EVERY_ROOM, RoomRef

# TRTC numeric room ids are 1 … 4294967294; anything else is a string room.
MAX_NUMERIC_ROOM = 4_294_967_294
# SdkAppIds are 7 to 10 digits (1400000001); a longer number is a typo, and one
# past BIGINT could not even be stored.
MIN_APP_DIGITS, MAX_APP_ID = 7, 9_999_999_999
# String room ids: up to 64 bytes of letters, digits and these symbols (TRTC docs).
_STR_ROOM = re.compile(r"^[A-Za-z0-9 !#$%&()+\-:;<=.>?@\[\]^_{}|~,]{1,64}$")
# UserId: TRTC's docs recommend up to 32 bytes of letters, digits and underscore
# ("preferably", so not enforced by TRTC); apps also use - . @, which we accept.
_USER = re.compile(r"^[A-Za-z0-9_\-.@]{1,32}$")
_DURATION = re.compile(r"^(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$")
_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_SLACK_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,})$")


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²' and other scripts' digits."""
    return text.isascii() and text.isdigit()


class BadValue(ValueError):
    """A value a person typed is not acceptable; the message tells them why."""


def parse_room(
    text: str, *, apps: Mapping[str, int], default_app: int | None, everywhere: bool = False
) -> RoomRef:
    """``1234``, ``standup``, ``prod/1234`` or ``1400000002/standup``; with
    ``everywhere``, ``*`` or ``prod/*`` too: every room of the application."""
    app_part, sep, room_part = text.partition("/")
    if not sep:
        app_part, room_part = "", text
    if sep and not app_part:
        raise BadValue(f"{text!r}: name the application before the slash, e.g. prod/1234")
    sdkappid, app_name = _resolve_app(app_part, apps, default_app)
    if not room_part:
        raise BadValue(f"{text!r}: the room is missing after the slash, e.g. prod/1234")
    if room_part == EVERY_ROOM:
        if not everywhere:
            raise BadValue("`*` (every room) is for `ban` and `unban` only: name one room")
        return RoomRef(sdkappid, EVERY_ROOM, numeric=False, app_name=app_name)
    if _digits(room_part) and room_part[0] != "0":
        if int(room_part) > MAX_NUMERIC_ROOM:
            raise BadValue(
                f"room {room_part} is out of range: numeric rooms are 1 to {MAX_NUMERIC_ROOM}"
            )
        return RoomRef(sdkappid, room_part, numeric=True, app_name=app_name)
    if len(room_part.encode()) > 64:
        raise BadValue(f"room id is {len(room_part.encode())} bytes; TRTC allows at most 64")
    if not _STR_ROOM.match(room_part):
        raise BadValue(
            f"{room_part!r} is not a TRTC room id: use digits (numeric room) or letters, "
            "digits and - _ . : @ (string room)"
        )
    return RoomRef(sdkappid, room_part, numeric=False, app_name=app_name)


def _resolve_app(
    name: str, apps: Mapping[str, int], default_app: int | None
) -> tuple[int, str | None]:
    if not name:
        if default_app is None:
            raise BadValue("no default application is configured: write app/room, e.g. prod/1234")
        return default_app, None
    if name in apps:
        return apps[name], name
    if _digits(name) and len(name) >= MIN_APP_DIGITS:
        if int(name) > MAX_APP_ID:
            shown = name if len(name) <= 20 else f"{name[:12]}… ({len(name)} digits)"
            raise BadValue(
                f"application {shown} is out of range: SdkAppIds are 7 to 10 digits, "
                "e.g. 1400000001"
            )
        return int(name), None
    known = ", ".join(sorted(apps)) or "none configured"
    raise BadValue(f"unknown application {name!r} (known: {known}); or give its SdkAppId")


def parse_user(text: str) -> str:
    if not text:
        raise BadValue("the user id is empty")
    if len(text.encode()) > 32:
        raise BadValue(f"user id {text[:40]!r}… is too long: TRTC user ids are at most 32 bytes")
    if not _USER.match(text):
        raise BadValue(f"{text!r} is not a TRTC user id: letters, digits and _ - . @ only")
    return text


def parse_duration(text: str, *, minimum: int, maximum: int) -> int:
    """``90s``, ``10m``, ``1h30m``, ``7d`` → seconds, within [minimum, maximum]."""
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or match is None:
        raise BadValue(f"{text!r} is not a duration: write e.g. 30s, 10m, 2h or 1h30m")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = days * 86400 + hours * 3600 + minutes * 60 + seconds
    if not minimum <= total <= maximum:
        raise BadValue(
            f"{text} is out of range: between {format_duration(minimum)} "
            f"and {format_duration(maximum)}"
        )
    return total


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts)


def parse_clock(text: str) -> int:
    """``14:02`` (UTC, like every time in replies) → minutes after midnight."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise BadValue(f"{text!r} is not a time of day: write HH:MM in UTC, e.g. 14:05")
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_slack_user(text: str) -> str:
    """``<@U123ABC>``, ``<@U123ABC|name>`` or ``U123ABC`` → ``U123ABC``."""
    match = _SLACK_USER.match(text.strip())
    if match is None:
        raise BadValue(f"{text!r} is not a Slack user: mention them (@name) or give their U… id")
    return match.group(1) or match.group(2)


def parse_count(text: str, *, minimum: int, maximum: int) -> int:
    if not _digits(text):
        raise BadValue(f"{text!r} is not a whole number")
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadValue(f"{value} is out of range: between {minimum} and {maximum}")
    return value


def clock_time(timestamp: float, *, with_date: bool = False) -> str:
    """Times in replies are UTC and say so: an incident spans time zones."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC" if with_date else "%H:%M UTC")
