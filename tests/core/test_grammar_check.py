"""A spec's ``check`` sees the parsed arguments and the caller's clock; its refusal is a
ParseError naming the spec, like any other bad input."""

from __future__ import annotations

import pytest

from bot.core.context import Context
from bot.core.grammar import Grammar, ParseError
from bot.core.reply import Reply
from bot.core.spec import Args, CommandSpec, Option, ParamKind
from bot.core.values import BadValue

seen: list[tuple[Args, float]] = []


async def _run(ctx: Context, args: Args) -> Reply:
    return Reply("ran")


def _check(args: Args, now: float) -> None:
    seen.append((args, now))
    if args["a"] is not None and args["b"] is not None:
        raise BadValue("Use either --a or --b, not both.")


SPEC = CommandSpec(
    name="pick",
    summary="",
    example="pick --a 1",
    run=_run,
    options=(Option("a", ParamKind.COUNT, maximum=9), Option("b", ParamKind.COUNT, maximum=9)),
    check=_check,
)
GRAMMAR = Grammar([SPEC], apps={}, default_app=None)


def test_check_runs_after_parsing_with_the_given_clock() -> None:
    """The check gets the parsed values and ``now`` as the caller passed it."""
    seen.clear()
    parsed = GRAMMAR.parse("pick --a 3", now=1234.5)
    assert parsed.args == {"a": 3, "b": None}
    assert seen == [({"a": 3, "b": None}, 1234.5)]


def test_a_refused_check_is_a_parse_error_of_the_spec() -> None:
    """BadValue from the check becomes a ParseError with its message and the spec."""
    with pytest.raises(ParseError, match="not both") as caught:
        GRAMMAR.parse("pick --a 1 --b 2", now=0.0)
    assert caught.value.spec is SPEC


def test_the_check_is_not_reached_when_a_value_is_bad() -> None:
    """A value that does not parse is refused first; the check never sees it."""
    seen.clear()
    with pytest.raises(ParseError, match="out of range"):
        GRAMMAR.parse("pick --a 99", now=0.0)
    assert seen == []
