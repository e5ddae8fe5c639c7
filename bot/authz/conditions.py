"""The `condition` element: compiled once, evaluated against a request context.

Combining (CAM's page and IAM agree): several values for a key are OR; several
keys under an operator, and several operators, are AND; a negated operator
(`*_not_*`) with several values is true only when the request value matches none.

A missing key (absent, or an empty list) makes a test false, except: a negated
operator is then true (IAM's documented rule: the value "does not match");
`_if_exist` makes it true; `for_all_value:` is true and `for_any_value:` false
(AWS's ForAllValues/ForAnyValue). A multi-valued request value without a
qualifier is tested like `for_any_value:` for positive operators and "no value
matches" for negated ones. Values that cannot be read as the operator's type
(a number, a date, an address) do not match.

Dates are ISO 8601 (`2026-01-01T00:00:00Z`; no zone means UTC) or epoch seconds.
Policy variables (`${key}`) are allowed in the values of the `string_*`
operators only; an unresolvable variable makes the condition false.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.authz import values
from bot.authz.errors import PolicyError, shown
from bot.authz.matching import (
    PatternElement,
    glob_elements,
    glob_regex,
    resolve_variable,
    template,
    wildcard_match,
)
from bot.authz.operators import Compare, Operator, ValueKind, parse_operator
from bot.authz.request import ContextLookup

MatchOne = Callable[[str], bool]
Template = tuple[tuple[bool, str], ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """One (operator, key) pair of a statement's condition."""

    operator: Operator
    key: str
    match_one: MatchOne | None  # None when the values hold policy variables
    templates: tuple[Template, ...] = ()
    null_absent: frozenset[bool] = frozenset()  # null_equal: accepted "key is absent" answers

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(text for t in self.templates for is_var, text in t if is_var)

    def holds(self, ctx: ContextLookup) -> bool:
        raw = ctx.get(self.key)
        op = self.operator
        if op.kind is ValueKind.NULL:
            return (raw is None or raw == ()) in self.null_absent
        match_one = self.match_one
        if match_one is None:
            match_one = self._resolve(ctx)
            if match_one is None:
                return False
        if isinstance(raw, str):
            # one value: any-of-one and all-of-one agree with the unqualified test
            return match_one(raw) != op.negated
        return _combine(op, raw or (), match_one)

    def _resolve(self, ctx: ContextLookup) -> MatchOne | None:
        kind = self.operator.kind
        if kind is ValueKind.LIKE:
            patterns: list[list[PatternElement]] = []
            for tpl in self.templates:
                elements: list[PatternElement] = []
                for is_var, text in tpl:
                    if not is_var:
                        elements.extend(glob_elements(text))
                        continue
                    value = resolve_variable(text, ctx)
                    if value is None:
                        return None
                    elements.extend(value)
                patterns.append(elements)
            return lambda v: any(wildcard_match(p, v) for p in patterns)
        resolved: set[str] = set()
        for tpl in self.templates:
            parts = []
            for is_var, text in tpl:
                value = resolve_variable(text, ctx) if is_var else text
                if value is None:
                    return None
                parts.append(value)
            resolved.add("".join(parts))
        if kind is ValueKind.STRING_IGNORE_CASE:
            lowered = {v.lower() for v in resolved}
            return lambda v: v.lower() in lowered
        return resolved.__contains__


def _combine(op: Operator, found: Sequence[str], match_one: MatchOne) -> bool:
    negated = op.negated
    if not found:
        if op.if_exist or op.qualifier == "all":
            return True
        if op.qualifier == "any":
            return False
        return negated
    if op.qualifier == "all":
        return all(match_one(v) != negated for v in found)
    if op.qualifier == "any":
        return any(match_one(v) != negated for v in found)
    return any(match_one(v) for v in found) != negated


def compile_condition(block: object) -> tuple[Condition, ...]:
    """Every (operator, key) test of a `condition` element, in document order."""
    if not isinstance(block, Mapping):
        raise PolicyError("must be a mapping of operator -> {key: value}", field="condition")
    out: list[Condition] = []
    for name, keys in block.items():
        if not isinstance(name, str):
            raise PolicyError(f"operator {shown(name)} is not a string", field="condition")
        where = f"condition.{name}"
        op = parse_operator(name, field=where)
        if not isinstance(keys, Mapping) or not keys:
            raise PolicyError("must be a non-empty mapping of key -> value(s)", field=where)
        for key, raw in keys.items():
            if not isinstance(key, str) or not key.strip():
                raise PolicyError(
                    f"condition key {shown(key)} is not a non-empty string", field=where
                )
            out.append(_compile_one(op, key, raw, field=f"{where}.{key}"))
    return tuple(out)


def _compile_one(op: Operator, key: str, raw: object, *, field: str) -> Condition:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise PolicyError("has no value", field=field)
    texts = [values.text(item, field=f"{field}[{i}]") for i, item in enumerate(items)]
    kind = op.kind
    if any("${" in t for t in texts):
        if kind not in (ValueKind.STRING, ValueKind.STRING_IGNORE_CASE, ValueKind.LIKE):
            raise PolicyError(
                f"policy variables are allowed only in string_* values, not in {op.name}",
                field=field,
            )
        templates = tuple(template(t, field=field) for t in texts)
        return Condition(op, key, None, templates)
    if kind is ValueKind.NULL:
        return Condition(op, key, None, null_absent=frozenset(values.bools(texts, field=field)))
    return Condition(op, key, _static_matcher(op, texts, field=field))


def _static_matcher(op: Operator, texts: list[str], *, field: str) -> MatchOne:
    kind = op.kind
    if kind is ValueKind.STRING:
        return frozenset(texts).__contains__
    if kind is ValueKind.STRING_IGNORE_CASE:
        lowered = frozenset(t.lower() for t in texts)
        return lambda v: v.lower() in lowered
    if kind is ValueKind.LIKE:
        regex = re.compile("|".join(f"(?:{glob_regex(t)})" for t in texts), re.DOTALL)
        return lambda v: regex.fullmatch(v) is not None
    if kind is ValueKind.BOOL:
        truths = frozenset("true" if b else "false" for b in values.bools(texts, field=field))
        return lambda v: v.lower() in truths
    if kind is ValueKind.BINARY:
        blobs = frozenset(values.blob(t, field=field) for t in texts)
        return lambda v: values.blob_or_none(v) in blobs
    if kind is ValueKind.IP:
        networks = tuple(values.network(t, field=field) for t in texts)
        return lambda v: values.ip_in(v, networks)
    if kind is ValueKind.NUMERIC:
        numbers = tuple(values.number(t, field=field) for t in texts)
        return _comparer(op.compare, numbers, values.number_or_none)
    dates = tuple(values.timestamp(t, field=field) for t in texts)
    return _comparer(op.compare, dates, values.timestamp_or_none)


def _comparer(
    compare: Compare, bounds: tuple[float, ...], parse: Callable[[str], float | None]
) -> MatchOne:
    if compare is Compare.EQ:
        wanted = frozenset(bounds)
        return lambda v: parse(v) in wanted
    low, high = min(bounds), max(bounds)

    def match(v: str) -> bool:
        x = parse(v)
        if x is None:
            return False
        if compare is Compare.LT:
            return x < high
        if compare is Compare.LE:
            return x <= high
        if compare is Compare.GT:
            return x > low
        return x >= low

    return match
