"""Raw Slack payloads become typed values here, and nowhere else.

Pure: no I/O, no Bolt, no core. A slash command, an ``@bot`` mention, a button
press and an App Home opening are each one value; ``delivery_key`` names one
delivery so it is claimed once. Everything the adapter needs from a payload is
read here, so a change in what Slack sends is one change in one file (tested
by tables in ``tests/slack/test_payloads.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yarl import URL

from bot.slack.markup import unescape

# An App Home approval's block id: ``home|<request channel>|<operation id>``.
HOME_BLOCK_PREFIX = "home"
_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """``/trtc …``: ``text`` is what the person typed, unescaped; ``typed`` is it as
    Slack sent it (escaped, a real @mention as ``<@U…|name>``), to show it back."""

    user: str
    channel: str
    text: str
    response_url: str | None
    typed: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """``@bot …`` in a channel or thread; ``text`` follows the mention, unescaped."""

    user: str
    channel: str
    text: str
    ts: str
    thread_ts: str | None

    @property
    def thread(self) -> str:
        """Where the answer goes: the thread it was said in, or a new one under it."""
        return self.thread_ts or self.ts


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A click on one of our buttons, in a message or on App Home."""

    user: str
    channel: str
    value: str  # the core's action id
    label: str  # the button's text, for "Approve pressed by @x"
    from_home: bool
    message_ts: str | None  # the message the button is on (None on App Home)
    thread_ts: str | None  # that message's thread (None for a top-level message)
    # Where to answer the presser privately if the message cannot be edited.
    response_url: str | None = None

    @property
    def thread(self) -> str | None:
        return self.thread_ts or self.message_ts


@dataclass(frozen=True, slots=True)
class HomeOpened:
    user: str


Incoming = SlashCommand | Mention | ButtonPress | HomeOpened


def form_fields(raw: bytes) -> dict[str, str]:
    """A form-encoded body's fields, the first of a repeated name (as Bolt reads them).

    yarl (aiohttp's own query parser, in C) reads them as ``parse_qsl`` does in half the
    time, and this runs for each command of a burst before its ack is sent."""
    return dict(URL.build(query_string=raw.decode("utf-8", "replace"), encoded=True).query)


def delivery_key(body: Mapping[str, Any]) -> str | None:
    """The identity of one delivery, or None for payloads that need no claim."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if kind == "block_actions":
        action, container = _first_action(body), _mapping(body.get("container"))
        where = container.get("message_ts") or container.get("view_id") or ""
        # Each click has its own trigger_id (and action_ts); a replay repeats both.
        click = body.get("trigger_id") or action.get("action_ts") or ""
        return f"action:{action.get('action_id', '')}:{where}:{click}"[:255]
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"[:255]  # one per typed command
    return None


def parse(body: Mapping[str, Any], bot_user_id: str | None = None) -> Incoming | None:
    """What a payload asks of us; None when it asks nothing (a bot's message, an
    event we do not handle, a press without a channel)."""
    if body.get("command"):
        if not body.get("user_id") or not body.get("channel_id"):
            return None
        return SlashCommand(
            user=str(body["user_id"]),
            channel=str(body["channel_id"]),
            text=unescape(str(body.get("text") or "")),
            response_url=body.get("response_url") or None,
            typed=str(body.get("text") or ""),
        )
    if body.get("type") == "block_actions":
        return _press(body)
    event = body.get("event")
    if not isinstance(event, Mapping):
        return None
    if event.get("type") == "app_mention":
        user = event.get("user")
        if not user or event.get("bot_id"):  # bots do not run commands, people do
            return None
        if not event.get("channel") or not event.get("ts"):
            return None
        return Mention(
            user=str(user),
            channel=str(event["channel"]),
            text=unescape(strip_mention(str(event.get("text") or ""), bot_user_id)),
            ts=str(event["ts"]),
            thread_ts=str(event["thread_ts"]) if event.get("thread_ts") else None,
        )
    home = event.get("type") == "app_home_opened" and event.get("tab", "home") == "home"
    if home and event.get("user"):
        return HomeOpened(str(event["user"]))
    return None


def _press(body: Mapping[str, Any]) -> ButtonPress | None:
    action, container = _first_action(body), _mapping(body.get("container"))
    from_home = container.get("type") == "view"
    message_ts = thread_ts = None
    if from_home:
        channel = home_block_channel(str(action.get("block_id", "")))
    else:
        message = _mapping(body.get("message"))
        channel = container.get("channel_id") or _mapping(body.get("channel")).get("id")
        message_ts = container.get("message_ts") or message.get("ts")
        thread_ts = message.get("thread_ts")
    user = _mapping(body.get("user")).get("id")
    if not channel or not user:
        return None
    return ButtonPress(
        user=str(user),
        channel=str(channel),
        value=str(action.get("value") or action.get("action_id") or ""),
        label=str(_mapping(action.get("text")).get("text") or "A button"),
        from_home=from_home,
        message_ts=str(message_ts) if message_ts else None,
        thread_ts=str(thread_ts) if thread_ts else None,
        response_url=str(body["response_url"]) if body.get("response_url") else None,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    """Slack signs what it sends, but a malformed part is read as empty, never trusted."""
    return value if isinstance(value, Mapping) else {}


def _first_action(body: Mapping[str, Any]) -> Mapping[str, Any]:
    actions = body.get("actions")
    return _mapping(actions[0]) if isinstance(actions, list) and actions else {}


def home_block_id(channel: str, operation_id: int) -> str:
    return f"{HOME_BLOCK_PREFIX}|{channel}|{operation_id}"


def home_block_channel(block_id: str) -> str | None:
    """The request's channel from a Home approval's block id, or None if not ours."""
    prefix, _, rest = block_id.partition("|")
    channel, _, _ = rest.partition("|")
    return channel if prefix == HOME_BLOCK_PREFIX and channel else None


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """What follows ``@bot`` in a mention; the whole text if the bot is not named."""
    if bot_user_id:
        found = re.search(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", text)
        if found:
            return text[found.end() :]
        return text
    return _LEADING_MENTION.sub("", text)  # who we are is unknown: drop a leading @someone


def bot_user_of(body: Mapping[str, Any]) -> str | None:
    """The bot's own user id, as an Events API payload names it."""
    for authorization in body.get("authorizations") or ():
        if authorization.get("is_bot") and authorization.get("user_id"):
            return str(authorization["user_id"])
    return None
