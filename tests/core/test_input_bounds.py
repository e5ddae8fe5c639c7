"""Input the database cannot hold is refused by the grammar, clearly, and still audited.

PostgreSQL is the strict one: BIGINT stops at 9223372036854775807 and text cannot
hold a NUL character; so these run on both databases.
"""

from __future__ import annotations

import pytest

from bot.core.grammar import Grammar, ParseError
from bot.core.reply import Severity
from bot.store import OperationState
from commands import REGISTRY
from tests.support.harness import Harness

pytestmark = pytest.mark.storage

HUGE_APP = "9" * 150


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"kick {HUGE_APP}/1234 alice", "SdkAppIds are 7 to 10 digits"),
        ("kick 99999999999/1234 alice", "SdkAppIds are 7 to 10 digits"),
        ("kick 1234 alice --reason a\x00b", "NUL character"),
        ("users\x00 1234", "NUL character"),
    ],
)
def test_the_grammar_refuses_what_cannot_be_stored(line: str, expected: str) -> None:
    grammar = Grammar(REGISTRY, apps={}, default_app=1400000001)
    with pytest.raises(ParseError, match=expected):
        grammar.parse(line)


def test_a_ten_digit_app_id_is_still_accepted() -> None:
    grammar = Grammar(REGISTRY, apps={}, default_app=None)
    parsed = grammar.parse("users 9999999999/1234")
    assert parsed.args["room"].sdkappid == 9999999999


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"kick {HUGE_APP}/1234 alice", "SdkAppIds are 7 to 10 digits"),
        (f"users {HUGE_APP}/1234", "SdkAppIds are 7 to 10 digits"),
        ('kick 1234 alice --reason "a\x00b"', "NUL character"),
    ],
)
async def test_refused_with_a_clear_message_and_audited(
    harness: Harness, line: str, expected: str
) -> None:
    """Not "something went wrong", and the audit row is there (the text kept, NUL shown)."""
    reply = await harness.say("lead", line)
    assert reply.severity is Severity.ERROR
    assert expected in reply.headline, reply.headline
    assert harness.mutations() == []
    assert not await harness.store.operations.in_state(*OperationState)
    [record] = await harness.store.audit.recent(1)
    assert (record.outcome, record.command) == ("bad_input", "kick" if "kick" in line else "users")
    assert expected in (record.note or "")
    assert "\x00" not in record.text
    assert record.text == line.replace("\x00", "\\x00")
