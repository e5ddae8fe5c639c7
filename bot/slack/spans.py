"""Core text with markup (``bot.core.markup``) as Block Kit text objects.

Text without markup stays ``plain_text``, as before. Text with markup becomes
mrkdwn: a person asked to act is mentioned (``<@U…>``), a person only named
shows their display name (or, unknown, their id as code: no one is pinged),
code is code (escaped, backticks defused). Everything else is escaped; and since
mrkdwn has no escape for ``*``, ``_``, ``~`` or a leading ``>``, text carrying
them (whoever typed it) is drawn as ``plain_text`` instead, people by name or id
and code as its bare text, so nothing typed can ping or reformat.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.markup import Kind, Token, marked, parse, plain
from bot.slack.markup import code, escape, fit

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_FORMATTING = re.compile(r"[*_~`]|(?:^|\n)\s*&gt;")


def is_user_id(text: str) -> bool:
    """An id Slack gave us (a mention of it is safe to build), not typed words."""
    return bool(_USER_ID.match(text))


def text_object(text: str, limit: int) -> dict[str, Any]:
    """``text`` as mrkdwn where its markup can be drawn safely, else as plain text."""
    if marked(text):
        shown = mrkdwn_of(text)
        if shown is not None and len(shown) <= limit:
            return {"type": "mrkdwn", "text": shown, "verbatim": True}
    return {"type": "plain_text", "text": fit(plain(text), limit) or " ", "emoji": False}


def mrkdwn_of(text: str) -> str | None:
    """``text`` as trusted mrkdwn, or None if any of its words would format."""
    out = []
    for piece in parse(text):
        if isinstance(piece, Token):
            out.append(_token(piece))
            continue
        escaped = escape(piece)
        if _FORMATTING.search(escaped):
            return None
        out.append(escaped)
    shown = "".join(out)
    return None if re.search(r"(?:^|\n)\s*&gt;", shown) else shown


def named(user: str, name: str | None) -> str:
    """Trusted mrkdwn naming ``user`` without notifying them."""
    return _token(Token(Kind.PERSON, user, name))


def _token(token: Token) -> str:
    if token.kind is Kind.CODE:
        return f"`{code(token.value) or ' '}`"
    if token.kind is Kind.TIME:  # no reader's zone was applied: UTC, labelled
        return escape(plain(str(token)))
    if token.kind is Kind.ASK and is_user_id(token.value):
        return f"<@{token.value}>"
    if token.kind is Kind.ASK and _GROUP_ID.match(token.value):  # a usergroup asked to act
        return f"<!subteam^{token.value}>"
    name = token.name or token.value
    if token.name is None and is_user_id(token.value):
        return f"`{token.value}`"  # no name to show: the id, which pings no one
    escaped = escape(name)
    return f"`{code(name)}`" if _FORMATTING.search(escaped) else escaped
