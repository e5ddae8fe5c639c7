"""Bad input gets a specific message and changes nothing.

The table asks the grammar directly (no simulator, no database); one test runs a
bad line through the whole pipeline to show that a parse error stops it there.
"""

from __future__ import annotations

import pytest

from bot.core.grammar import Grammar, ParseError
from bot.core.markup import plain
from bot.core.reply import Severity
from bot.store import OperationState
from commands import REGISTRY
from tests.support.harness import Harness

GRAMMAR = Grammar(REGISTRY, apps={"staging": 1400000002}, default_app=1400000001)

CASES = [
    ("kick", "<room> is missing"),
    ("kick 1234", "name at least one user"),
    ("kick 1234 alice alice", "alice is named twice"),
    ("kick 1234 " + "x" * 33, "at most 32 bytes"),
    ("kick 1234 al!ce", "not a TRTC user id"),
    ("kick 99999999999 alice", "out of range"),
    ("kick 12/34/56 alice", "unknown application"),
    ("kick nope/1234 alice", "unknown application 'nope'"),
    ("kick /1234 alice", "name the application"),
    ("users " + "r" * 70, "at most 64"),
    ("mute 1234 bob --for 0s", "out of range"),
    ("mute 1234 bob --for 400d", "out of range"),
    ("mute 1234 bob --for soon", "not a duration"),
    ("mute 1234 bob --for", "--for needs a value"),
    ('kick 1234 alice --reason ""', "--reason is empty"),
    ('kick 1234 alice --reason "x', "quote is not closed"),
    ("kick 1234 alice --force", "unknown option --force"),
    ("rooms --since 30m --since 1h", "given twice"),
    ("rooms --since 20d", "out of range"),
    ("scale --days 0", "out of range"),
    ("audit -5", "not a whole number"),
    ("audit 500", "out of range"),
    ("can alice kick 1234", "not a Slack user"),
    ("can <@U0LEAD> fly 1234", "unknown command `fly`"),
    ("users", "<room> is missing"),
    ("users 1234 extra", "unexpected 'extra'"),
    ("kik 1234 alice", "Did you mean `kick`?"),
    ("", "say what to do"),
    ("x" * 3000, "at most 2000"),
]


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_bad_input(line: str, expected: str) -> None:
    """Each malformed command is refused by the grammar with a precise message."""
    with pytest.raises(ParseError) as refused:
        GRAMMAR.parse(line)
    assert expected in plain(str(refused.value), quote="`")


async def test_bad_input_changes_nothing_and_is_on_the_record(harness: Harness) -> None:
    """A refused line reaches neither TRTC nor the operations table; the audit says why."""
    reply = await harness.say("lead", "kick 1234 al!ce")
    assert reply.severity is Severity.ERROR
    assert "not a TRTC user id" in reply.headline
    assert not reply.actions
    assert harness.mutations() == []
    assert not await harness.store.operations.in_state(*OperationState)
    [record] = await harness.store.audit.recent(1)
    assert (record.outcome, record.command) == ("bad_input", "kick")
    assert "not a TRTC user id" in (record.note or "")


async def test_usage_and_example_follow_a_parse_error(harness: Harness) -> None:
    """A parse error of a known command shows its usage and an example."""
    reply = await harness.say("lead", "mute 1234")
    assert reply.lines[0].startswith("Usage: mute <room> <user>")
    assert reply.lines[1].startswith("Example: mute 1234 bob")
