"""Raw Slack payloads become typed values in one pure module; anything else is None."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.payloads import (
    ButtonPress,
    HomeOpened,
    Mention,
    SlashCommand,
    bot_user_of,
    delivery_key,
    form_fields,
    home_block_channel,
    home_block_id,
    parse,
)

BOT = "U0BOT"

CASES: list[tuple[str, dict[str, Any], object]] = [
    (
        "slash command, text unescaped",
        {
            "command": "/trtc",
            "user_id": "U1",
            "channel_id": "C1",
            "text": "kick 1234 a&amp;b",
            "response_url": "https://hooks/x",
            "trigger_id": "t1",
        },
        SlashCommand("U1", "C1", "kick 1234 a&b", "https://hooks/x", "kick 1234 a&amp;b"),
    ),
    (
        "slash command without a channel",
        {"command": "/trtc", "user_id": "U1", "text": "help"},
        None,
    ),
    (
        "mention in a thread, the bot's own mention removed",
        {
            "type": "event_callback",
            "event_id": "Ev1",
            "event": {
                "type": "app_mention",
                "user": "U1",
                "channel": "C1",
                "text": f"<@{BOT}> users 1234",
                "ts": "2.0",
                "thread_ts": "1.0",
            },
        },
        Mention("U1", "C1", " users 1234", "2.0", "1.0"),
    ),
    (
        "mention by a bot is not a command",
        {"event": {"type": "app_mention", "user": "U1", "bot_id": "B1", "channel": "C1"}},
        None,
    ),
    (
        "press on a message in a thread",
        {
            "type": "block_actions",
            "user": {"id": "U2"},
            "container": {"type": "message", "channel_id": "C1", "message_ts": "5.0"},
            "message": {"ts": "5.0", "thread_ts": "1.0"},
            "actions": [{"action_id": "confirm", "value": "confirm:7:n", "text": {"text": "Go"}}],
        },
        ButtonPress("U2", "C1", "confirm:7:n", "Go", False, "5.0", "1.0"),
    ),
    (
        "press on App Home: the request's channel from the block id",
        {
            "type": "block_actions",
            "user": {"id": "U3"},
            "container": {"type": "view", "view_id": "V1"},
            "actions": [{"action_id": "approve:9:n", "block_id": "home|C7|9"}],
        },
        ButtonPress("U3", "C7", "approve:9:n", "A button", True, None, None),
    ),
    (
        "press on Home with someone else's block id",
        {
            "type": "block_actions",
            "user": {"id": "U3"},
            "container": {"type": "view"},
            "actions": [{"action_id": "x", "block_id": "other|C7"}],
        },
        None,
    ),
    (
        "Home opened",
        {"event": {"type": "app_home_opened", "user": "U4", "tab": "home"}},
        HomeOpened("U4"),
    ),
    (
        "Messages tab opened",
        {"event": {"type": "app_home_opened", "user": "U4", "tab": "messages"}},
        None,
    ),
    ("an event we do not handle", {"event": {"type": "reaction_added"}}, None),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse(body: dict[str, Any], expected: object) -> None:
    """Each payload shape becomes exactly one typed value, or None."""
    assert parse(body, BOT) == expected


KEYS: list[tuple[dict[str, Any], str | None]] = [
    ({"type": "event_callback", "event_id": "Ev9"}, "event:Ev9"),
    ({"command": "/trtc", "trigger_id": "T9"}, "command:T9"),
    (
        {
            "type": "block_actions",
            "trigger_id": "T8",
            "container": {"message_ts": "5.0"},
            "actions": [{"action_id": "a"}],
        },
        "action:a:5.0:T8",
    ),
    ({"type": "url_verification"}, None),
]


@pytest.mark.parametrize(("body", "key"), KEYS)
def test_delivery_key(body: dict[str, Any], key: str | None) -> None:
    """One key per delivery: an event id, a trigger id, a click on a message."""
    assert delivery_key(body) == key


def test_home_block_id_round_trips() -> None:
    """The channel written into a Home approval's block id is the one read back."""
    assert home_block_channel(home_block_id("C0INCIDENT", 12)) == "C0INCIDENT"


def test_bot_user_from_authorizations() -> None:
    """The bot's own id comes from the Events API authorizations."""
    body = {"authorizations": [{"user_id": "U0HUMAN"}, {"user_id": BOT, "is_bot": True}]}
    assert bot_user_of(body) == BOT


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
shaped = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["block_actions", "event_callback", "view_submission"])
        | json_values,
        "command": st.just("/trtc") | json_values,
        "user_id": json_values,
        "channel_id": json_values,
        "text": json_values,
        "event": json_values
        | st.fixed_dictionaries(
            {"type": st.sampled_from(["app_mention", "app_home_opened"])},
            optional={"user": json_values, "channel": json_values, "ts": json_values},
        ),
        "actions": json_values,
        "container": json_values,
        "user": json_values,
        "message": json_values,
    },
)


@settings(deadline=None)  # a shared, loaded machine: correctness here, not speed
@given(shaped)
def test_no_payload_crashes_the_parser(body: dict[str, Any]) -> None:
    """Whatever arrives, parsing gives a typed value or None, never an exception."""
    parsed = parse(body, BOT)
    assert parsed is None or isinstance(parsed, SlashCommand | Mention | ButtonPress | HomeOpened)
    delivery_key(body)


# -- form bodies ------------------------------------------------------------------------

_FORM_CHARS = st.sampled_from([*"ab=&%+;#?/ \t2FfE9zü中\x00", "%2F", "%C3%BC", "%zz", "%E4%B8"])


def _first(pairs: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


@settings(max_examples=500)
@given(st.lists(_FORM_CHARS, max_size=40).map("".join))
def test_a_form_reads_as_the_standard_library_reads_it(text: str) -> None:
    """Any text, well-formed or not: the fields ``parse_qsl`` finds (first of a repeat)."""
    raw = text.encode()
    expected = _first(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    assert form_fields(raw) == expected


def test_a_slash_command_form() -> None:
    raw = urlencode(
        {"command": "/trtc", "text": "kick 1234 a&b +x ü", "response_url": "https://h/x?a=1"}
    ).encode()
    assert form_fields(raw + b"&text=second") == {
        "command": "/trtc",
        "text": "kick 1234 a&b +x ü",
        "response_url": "https://h/x?a=1",
    }
    assert form_fields(b"text=%ff") == {"text": "\ufffd"}  # not UTF-8: replaced, not raised
