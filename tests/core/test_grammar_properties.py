"""Property tests: the chat grammar and value parsers never fail except with our errors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.grammar import Grammar, ParseError
from bot.core.values import (
    MAX_NUMERIC_ROOM,
    BadValue,
    RoomRef,
    format_duration,
    parse_duration,
    parse_room,
)
from commands import REGISTRY

GRAMMAR = Grammar(REGISTRY, apps={"prod": 1400000001}, default_app=1400000001)
NAMES = [spec.name for spec in REGISTRY]

words = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(["--reason", "--for", "--since", "--days", '"', "'", "prod/1", "/", "--"]),
    st.text(max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(words, max_size=7).map(" ".join))
def test_parse_raises_only_parse_error(text: str) -> None:
    """Any text is either parsed or refused with a ParseError carrying a message."""
    try:
        parsed = GRAMMAR.parse(text)
    except ParseError as exc:
        message = str(exc)
        assert message
    else:
        assert parsed.spec.name in NAMES


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_room_parser_total(text: str) -> None:
    """A room is parsed or refused with BadValue; numeric rooms stay in TRTC's range."""
    try:
        ref = parse_room(text, apps={"prod": 1}, default_app=1400000001)
    except BadValue:
        return
    assert isinstance(ref, RoomRef)
    if ref.numeric:
        assert 1 <= int(ref.room) <= MAX_NUMERIC_ROOM
    assert len(ref.room.encode()) <= 64


@given(st.integers(min_value=1, max_value=14 * 86400))
def test_duration_round_trip(seconds: int) -> None:
    """Formatting a duration and parsing it back gives the same number of seconds."""
    assert parse_duration(format_duration(seconds), minimum=1, maximum=14 * 86400) == seconds


@given(st.integers(min_value=1, max_value=MAX_NUMERIC_ROOM))
def test_numeric_rooms_pick_the_numeric_variant(room: int) -> None:
    """Every room number TRTC allows parses as a numeric room of the default app."""
    ref = parse_room(str(room), apps={}, default_app=1400000001)
    assert ref.numeric and ref.api_room == room and ref.sdkappid == 1400000001
