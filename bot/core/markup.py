"""The little markup core text may carry: people and code, for adapters to draw.

A reply names a person as ``ask(user)`` (they are asked to act: Slack mentions
them) or ``person(user)`` (only named: Slack shows the display name, no
notification), command names as ``code(text)`` and moments as ``when(ts)`` (each
reader sees them in their own time zone, labelled; UTC when it is not known). Each
is a token between private-use characters that no typed text carries (``Invocation`` strips them),
so nothing a user typed can become a mention or code; adapters split a text
with ``parse`` and render the pieces their own way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

OPEN = "\ue000"
CLOSE = "\ue001"
_TOKEN = re.compile(f"{OPEN}(ask|person|code|time):([^{OPEN}{CLOSE}]*){CLOSE}")


class Kind(StrEnum):
    ASK = "ask"  # a person asked to act
    PERSON = "person"  # a person only named
    CODE = "code"  # a command name, an id, a command line
    TIME = "time"  # a moment: epoch seconds, "+d" to show the date too, "+s" the seconds


_NAMED = "\t"  # "U123\tAda": a person with the name an adapter found for them


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    value: str  # the user id (ask, person) or the code's text
    name: str | None = None  # a person's display name, once an adapter looked it up

    def __str__(self) -> str:
        value = f"{self.value}{_NAMED}{self.name}" if self.name else self.value
        return f"{OPEN}{self.kind.value}:{value}{CLOSE}"


def clean(text: str) -> str:
    """``text`` without the markup's delimiters: typed text can forge no token."""
    return text.replace(OPEN, "").replace(CLOSE, "")


def ask(user_id: str) -> str:
    return f"{OPEN}ask:{clean(user_id)}{CLOSE}"


def person(user_id: str) -> str:
    return f"{OPEN}person:{clean(user_id)}{CLOSE}"


def code(text: str) -> str:
    return f"{OPEN}code:{clean(text)}{CLOSE}"


def when(
    timestamp: float, *, with_date: bool = False, seconds: bool = False, now: float | None = None
) -> str:
    """A moment the reader sees in their zone; ``seconds`` where they matter (a mute's
    end, an event), ``with_date`` when it may not be today. With ``now`` the date is
    shown exactly when the moment is not on the reader's today (a list of rooms)."""
    flags = ("d" if with_date else "") + ("s" if seconds else "")
    today = f"@{int(now)}" if now is not None else ""
    tail = f"+{flags}{today}" if flags or today else ""
    return f"{OPEN}time:{int(timestamp)}{tail}{CLOSE}"


def zoned(
    timestamp: float, zone: tzinfo = UTC, *, with_date: bool = False, seconds: bool = False
) -> str:
    """``timestamp`` in ``zone``, labelled ("14:05 CET"; "UTC+07" for a bare offset)."""
    moment = datetime.fromtimestamp(timestamp, tz=zone)
    label = moment.strftime("%Z") or "UTC"
    if label[0] in "+-":
        label = f"UTC{label}"
    clock = "%H:%M:%S " if seconds else "%H:%M "
    return moment.strftime(f"%Y-%m-%d {clock}" if with_date else clock) + label


def _moment(token: Token, zone: tzinfo = UTC) -> str:
    stamp, _, flags = token.value.partition("+")
    flag, _, today = flags.partition("@")
    try:
        moment = int(stamp)
        dated = "d" in flag or (bool(today) and not _same_day(moment, int(today), zone))
        return zoned(moment, zone, with_date=dated, seconds="s" in flag)
    except (ValueError, OverflowError, OSError):
        return token.value


def _same_day(a: int, b: int, zone: tzinfo) -> bool:
    return datetime.fromtimestamp(a, tz=zone).date() == datetime.fromtimestamp(b, tz=zone).date()


def with_zone(text: str, zone: tzinfo) -> str:
    """``text`` with each moment it names written out in ``zone`` (plain words)."""
    if not marked(text):
        return text
    return "".join(
        _moment(p, zone) if isinstance(p, Token) and p.kind is Kind.TIME else str(p)
        for p in parse(text)
    )


def parse(text: str) -> list[str | Token]:
    """``text`` as its plain pieces and tokens, in order (no empty pieces)."""
    out: list[str | Token] = []
    at = 0
    for match in _TOKEN.finditer(text):
        if match.start() > at:
            out.append(text[at : match.start()])
        kind, value = Kind(match.group(1)), match.group(2)
        if kind in (Kind.ASK, Kind.PERSON) and _NAMED in value:
            user, name = value.split(_NAMED, 1)
            out.append(Token(kind, user, name or None))
        else:
            out.append(Token(kind, value))
        at = match.end()
    if at < len(text):
        out.append(text[at:])
    return out


def marked(text: str) -> bool:
    return OPEN in text


def people(text: str) -> set[str]:
    """The user ids ``text`` names or asks."""
    return {
        p.value for p in parse(text) if isinstance(p, Token) and p.kind in (Kind.ASK, Kind.PERSON)
    }


def with_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each person it names carrying their display name from ``names``."""
    if not marked(text):
        return text
    out = []
    for p in parse(text):
        if isinstance(p, Token) and p.kind in (Kind.ASK, Kind.PERSON) and p.value in names:
            p = Token(p.kind, p.value, clean(names[p.value]).replace(_NAMED, " ") or None)
        out.append(str(p))
    return "".join(out)


def plain(text: str, *, quote: str = "") -> str:
    """``text`` with its tokens as plain words: a person by name (else the id), code
    as its text between ``quote``, a moment in UTC (for logs, the audit, the console)."""
    if not marked(text):
        return text
    return "".join(
        p
        if isinstance(p, str)
        else f"{quote}{p.value}{quote}"
        if p.kind is Kind.CODE
        else _moment(p)
        if p.kind is Kind.TIME
        else p.name or p.value
        for p in parse(text)
    )
