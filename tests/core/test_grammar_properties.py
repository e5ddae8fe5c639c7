"""Property tests: the chat grammar and value parsers never fail except with our errors."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.grammar import Grammar, ParseError, ascii_quoting
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


# Quoted content: anything but a backslash or the quote itself, dashes and the other
# quote's typographic forms included (they stay literal inside quotes).
_INSIDE = st.text(alphabet="abz019 -—–/=.!?", max_size=10)
_DOUBLE_INSIDE = st.text(alphabet="abz019 -—–/=.'‘’", max_size=10)
_SINGLE_INSIDE = st.text(alphabet='abz019 -—–/=."“”', max_size=10)
_BARE = st.text(alphabet="abz019/.!", min_size=1, max_size=8)


@st.composite
def _pieces(draw: st.DrawFn) -> list[tuple[str, str]]:
    """A line as (ASCII, typographic) pieces: bare words, quoted words, options."""
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        kind = draw(st.sampled_from(["bare", "double", "single", "option", "option="]))
        if kind == "bare":
            word = draw(_BARE)
            out.append((word, word))
        elif kind == "double":
            inside = draw(_DOUBLE_INSIDE)
            out.append((f'"{inside}"', f"“{inside}”"))
        elif kind == "single":
            inside = draw(_SINGLE_INSIDE)
            out.append((f"'{inside}'", f"‘{inside}’"))
        else:
            name = draw(st.sampled_from(["reason", "for", "since", "days"]))
            dash = draw(st.sampled_from(["—", "–", "--"]))
            if kind == "option":
                out.append((f"--{name}", f"{dash}{name}"))
            else:
                inside = draw(_DOUBLE_INSIDE)
                out.append((f'--{name}="{inside}"', f"{dash}{name}=“{inside}”"))
    return out


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["kick 1234 bob", "mute 1234 bob", "users 1234", "audit"]), _pieces())
def test_typographic_quotes_and_dashes_parse_as_ascii(
    head: str, pieces: list[tuple[str, str]]
) -> None:
    """Autocorrect's “ ” ‘ ’ and — in place of " ' and -- never change a valid line's parse."""
    ascii_line = " ".join([head, *(a for a, _ in pieces)])
    typographic = " ".join([head, *(t for _, t in pieces)])
    assert ascii_quoting(ascii_line) == ascii_line
    assert shlex.split(ascii_quoting(typographic)) == shlex.split(ascii_line)
    assert _outcome(typographic) == _outcome(ascii_line)


def _outcome(line: str) -> object:
    try:
        parsed = GRAMMAR.parse(line, now=1_700_000_000)
    except ParseError as exc:
        return str(exc)
    return parsed.spec.name, dict(parsed.args)


def test_autocorrected_lines_read_as_typed() -> None:
    """The lines a Mac or iPhone produces mean what the person typed."""
    pairs = [
        ('kick 1234 bob --reason "two words"', "kick 1234 bob --reason “two words”"),
        ("mute 1234 bob --for 10m", "mute 1234 bob —for 10m"),
        ("mute 1234 bob --for 10m", "mute 1234 bob –for 10m"),
        ('kick 1234 bob --reason="two words"', "kick 1234 bob —reason=”two words”"),
        # An apostrophe is kept as typed, not taken for a quote.
        ('kick 1234 bob --reason "don’t"', "kick 1234 bob --reason don’t"),
        ('kick 1234 bob --reason "it’s — fine"', "kick 1234 bob --reason ‘it’s — fine’"),
        ('kick 1234 bob --reason "“—for” stays"', 'kick 1234 bob --reason "“—for” stays"'),
    ]
    for ascii_line, typographic in pairs:
        assert _outcome(typographic) == _outcome(ascii_line), typographic
    assert GRAMMAR.parse("kick 1234 bob --reason “two words”").args["users"] == ["bob"]
    with pytest.raises(ParseError, match="quote is not closed"):
        GRAMMAR.parse("kick 1234 bob --reason “two words")
