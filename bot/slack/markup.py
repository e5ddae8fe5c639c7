"""Slack's text control characters, both ways.

Slack treats ``&``, ``<`` and ``>`` as control characters in every text it
stores: ``<!channel>`` pings, ``<@U…>`` mentions, ``<http://x|y>`` links. Text a
person typed is escaped before it reaches a message; text arriving from Slack
is unescaped before the core parses it. Formatting (``*bold*``) has no escape
in mrkdwn, so replies use ``plain_text`` objects, and tables go in code blocks
where formatting does not apply.
"""

from __future__ import annotations

import re

# Slack ids that come from a signed payload, never from typed text.
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
# A mention as Slack itself writes it in text it sends; a typed "<" arrives as "&lt;".
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^<>]*)?>")
ELLIPSIS = "…"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """What Slack sends (``a &amp; b``) back to what was typed (``a & b``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def code(text: str) -> str:
    """Escaped text that cannot close the code block it is shown in."""
    return escape(text).replace("`", "ˋ")


def fit(text: str, limit: int, *, quote: bool = False) -> str:
    """``text`` escaped (or code-quoted) and cut, never mid-entity, to ``limit`` characters."""
    convert = code if quote else escape
    out = convert(text)
    if len(out) <= limit:
        return out
    cut = limit
    while cut > 0:
        out = convert(text[:cut]) + ELLIPSIS
        if len(out) <= limit:
            return out
        cut -= max(1, len(out) - limit)
    return ELLIPSIS


def split_mentions(typed: str) -> list[str]:
    """Text as Slack sent it, as [text, user id, text, user id, …, text]: the texts
    unescaped (what was typed), the ids those of the @mentions Slack wrote into it."""
    pieces = _MENTION.split(typed)
    return [p if n % 2 else unescape(p) for n, p in enumerate(pieces)]


def user_mention(user_id: str) -> str:
    """``<@U…>`` for an id from a signed payload; anything else is shown escaped."""
    return f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_id)


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>" if _CHANNEL_ID.match(channel_id) else escape(channel_id)
