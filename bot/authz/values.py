"""Typed condition values: how policy text and request text become numbers, times,
addresses and bytes. A `*_or_none` reader is for request values (unreadable means
"does not match"); the others are for policy values (unreadable is a PolicyError).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
from datetime import UTC, date, datetime

from bot.authz.errors import PolicyError, shown

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def text(item: object, *, field: str) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str):
        return item
    if isinstance(item, int | float):
        try:
            return str(item)
        except ValueError:  # an integer too long to print (Python's 4,300-digit limit)
            raise PolicyError("number too long", field=field) from None
    if isinstance(item, datetime | date):  # YAML reads unquoted timestamps as dates
        return item.isoformat()
    raise PolicyError(f"{shown(item)} is not a string, number or boolean", field=field)


def bools(texts: list[str], *, field: str) -> list[bool]:
    out = []
    for t in texts:
        if t.lower() not in ("true", "false"):
            raise PolicyError(f"{shown(t)} is not 'true' or 'false'", field=field)
        out.append(t.lower() == "true")
    return out


def number_or_none(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def number(text: str, *, field: str) -> float:
    value = number_or_none(text)
    if value is None:
        raise PolicyError(f"{shown(text)} is not a number", field=field)
    return value


def timestamp_or_none(text: str) -> float | None:
    text = text.strip()
    if text.lstrip("-").isdigit():
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def timestamp(text: str, *, field: str) -> float:
    value = timestamp_or_none(text)
    if value is None:
        raise PolicyError(
            f"{shown(text)} is not an ISO 8601 date (2026-01-01T00:00:00Z) or epoch seconds",
            field=field,
        )
    return value


def network(text: str, *, field: str) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise PolicyError(
            f"{shown(text)} is not an IP address or CIDR block", field=field
        ) from None


def ip_in(text: str, networks: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return any(address in n for n in networks)


def blob_or_none(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def blob(text: str, *, field: str) -> bytes:
    value = blob_or_none(text)
    if value is None:
        raise PolicyError(f"{shown(text)} is not base64", field=field)
    return value
