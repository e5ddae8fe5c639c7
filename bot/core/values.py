"""The values commands take — rooms, users, durations — parsed strictly.

Each parser raises ``BadValue`` with a sentence that says what was wrong and
what would be right; nothing here talks to TRTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.core.markup import code
from bot.trtc.masking import MASK, mask_url
from bot.trtc.rooms import EVERY_ROOM, RoomRef, room_problem
from bot.trtc.rooms import MAX_NUMERIC_ROOM as MAX_NUMERIC_ROOM

# Room ids: one rule, ``bot.trtc.rooms.room_problem`` (MAX_NUMERIC_ROOM is re-exported).
# SdkAppIds are 7 to 10 digits (1400000001); a longer number is a typo, and one
# past BIGINT could not even be stored.
MIN_APP_DIGITS, MAX_APP_ID = 7, 9_999_999_999
# UserId: TRTC's docs recommend up to 32 bytes of letters, digits and underscore
# ("preferably", so not enforced by TRTC); apps also use - . @, which we accept.
_USER = re.compile(r"^[A-Za-z0-9_\-.@]{1,32}$")
_DURATION = re.compile(r"^(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$")
_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_SLACK_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9]{2,})$")


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
    sdkappid, app_name = resolve_app(app_part, apps, default_app)
    if not room_part:
        raise BadValue(f"{text!r}: the room is missing after the slash, e.g. prod/1234")
    if room_part == EVERY_ROOM:
        if not everywhere:
            raise BadValue(
                f"{code('*')} (every room) is for {code('ban')} and {code('unban')} only: "
                "name one room"
            )
        return RoomRef(sdkappid, EVERY_ROOM, numeric=False, app_name=app_name)
    problem = room_problem(room_part)
    if problem is not None:
        raise BadValue(problem)
    if room_part.isdigit():
        return RoomRef(sdkappid, room_part, numeric=True, app_name=app_name)
    return RoomRef(sdkappid, room_part, numeric=False, app_name=app_name)


def resolve_app(
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


def parse_slack_user(text: str, people: Mapping[str, str] | None = None) -> str:
    """``<@U123ABC>``, ``<@U123ABC|name>``, ``@U123ABC`` or ``U123ABC`` → ``U123ABC``;
    ``people``: names this place knows (the console's personas), with or without ``@``."""
    people = people or {}
    text = text.strip()
    match = _SLACK_USER.match(text)
    if match is not None:
        return match.group(1) or match.group(2)
    known = {name.lower(): user for name, user in people.items()}
    found = known.get(text.removeprefix("@").lower())
    if found is not None:
        return found
    if people:
        names = ", ".join(sorted(people))
        raise BadValue(f"{text!r} is not someone I know here: name a persona ({names}) or a U… id")
    raise BadValue(
        f"{text!r} is not a Slack user: pick them from Slack's @ list (so Slack links the "
        "name) or give their U… id"
    )


def parse_count(text: str, *, minimum: int, maximum: int) -> int:
    if not _digits(text):
        raise BadValue(f"{text!r} is not a whole number")
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadValue(f"{value} is out of range: between {minimum} and {maximum}")
    return value


def clock_time(timestamp: float, *, with_date: bool = False, seconds: bool = False) -> str:
    """Times in replies are UTC and say so: an incident spans time zones."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return moment.strftime(f"%Y-%m-%d {clock} UTC" if with_date else f"{clock} UTC")


# TaskIds (relay, ingest) are opaque: URL-safe Base64 and a few symbols, tens of characters.
_TASK = re.compile(r"^[A-Za-z0-9+\-_.=/*]{1,256}$")
MAX_URL = 1024


def parse_task(text: str) -> str:
    if not _TASK.match(text):
        raise BadValue(
            f"{text[:40]!r} is not a TRTC TaskId: copy it from {code('relays')} or "
            f"{code('ingest')} "
            "(letters, digits and + - _ . = /, at most 256)"
        )
    return text


def is_task_id(text: str) -> bool:
    """Longer than any room id (64 bytes after ``app/``): a TaskId, not a room."""
    return len(text.rpartition("/")[2].encode()) > 64


def parse_url(text: str) -> str:
    """``rtmp://host/app/key`` as typed; errors never repeat it (it may hold a key)."""
    if len(text) > MAX_URL:
        raise BadValue(f"the URL is {len(text)} characters; at most {MAX_URL}")
    if mask_url(text) == MASK or any(c.isspace() for c in text):
        raise BadValue("not a URL: write scheme://host/path, e.g. rtmp://live.example.com/live/key")
    return text
