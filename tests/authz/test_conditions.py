"""Every CAM condition operator, from the truth table in fixtures/conditions.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from bot.authz.conditions import compile_condition
from bot.authz.request import ContextValue
from tests.authz.casefile import read


def _rows() -> list[Any]:
    params = []
    for row in read("conditions.yaml"):
        key = row.get("key", "k")
        for number, case in enumerate(row["cases"]):
            params.append(
                pytest.param(
                    row["operator"],
                    key,
                    row["values"],
                    case["context"],
                    case["expect"],
                    id=f"{row['operator']}{row['values']}#{number}",
                )
            )
    return params


def _context(raw: dict[str, Any]) -> dict[str, ContextValue]:
    return {k: v if isinstance(v, str) else tuple(v) for k, v in raw.items()}


@pytest.mark.parametrize(("operator", "key", "values", "context", "expect"), _rows())
def test_operator(
    operator: str, key: str, values: Any, context: dict[str, Any], expect: bool
) -> None:
    """The operator is true or false (or handles the missing key) exactly as the table says."""
    (condition,) = compile_condition({operator: {key: values}})
    assert condition.holds(_context(context)) is expect


def test_keys_and_operators_are_and() -> None:
    """Several keys under one operator, and several operators, must all hold."""
    conditions = compile_condition(
        {"string_equal": {"a": "1", "b": "2"}, "bool_equal": {"c": "true"}}
    )
    everything = {"a": "1", "b": "2", "c": "true"}
    assert all(c.holds(everything) for c in conditions)
    for missing in everything:
        partial = {k: v for k, v in everything.items() if k != missing}
        assert not all(c.holds(partial) for c in conditions)


def test_a_single_value_is_a_list_of_one() -> None:
    """`{key: "v"}` and `{key: ["v"]}` are the same test."""
    (one,) = compile_condition({"string_equal": {"k": "v"}})
    (listed,) = compile_condition({"string_equal": {"k": ["v"]}})
    for ctx in ({"k": "v"}, {"k": "w"}, {}):
        assert one.holds(ctx) is listed.holds(ctx)
