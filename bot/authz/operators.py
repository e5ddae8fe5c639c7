"""CAM condition operator names: what exists, and what we refuse with a hint.

An operator is `[for_any_value:|for_all_value:]<base>[_if_exist]`. Names are
lowercase, as CAM documents them; the AWS IAM spellings (`Bool`, `StringLike`,
`ForAnyValue:StringEquals`, `NumericLessThanIfExists`...) are refused with the
CAM name to use instead, because a silently ignored condition would widen an allow.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from bot.authz.errors import PolicyError, shown


class ValueKind(StrEnum):
    STRING = "string"
    STRING_IGNORE_CASE = "string_ignore_case"
    LIKE = "like"
    NUMERIC = "numeric"
    DATE = "date"
    BOOL = "bool"
    BINARY = "binary"
    IP = "ip"
    NULL = "null"


class Compare(StrEnum):
    EQ = "eq"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"


# base operator -> (kind, comparison, negated)
BASES: dict[str, tuple[ValueKind, Compare, bool]] = {
    "string_equal": (ValueKind.STRING, Compare.EQ, False),
    "string_not_equal": (ValueKind.STRING, Compare.EQ, True),
    "string_equal_ignore_case": (ValueKind.STRING_IGNORE_CASE, Compare.EQ, False),
    "string_not_equal_ignore_case": (ValueKind.STRING_IGNORE_CASE, Compare.EQ, True),
    "string_like": (ValueKind.LIKE, Compare.EQ, False),
    "string_not_like": (ValueKind.LIKE, Compare.EQ, True),
    "bool_equal": (ValueKind.BOOL, Compare.EQ, False),
    "binary_equal": (ValueKind.BINARY, Compare.EQ, False),
    "ip_equal": (ValueKind.IP, Compare.EQ, False),
    "ip_not_equal": (ValueKind.IP, Compare.EQ, True),
    "null_equal": (ValueKind.NULL, Compare.EQ, False),
}
for _family, _kind in (("numeric", ValueKind.NUMERIC), ("date", ValueKind.DATE)):
    BASES[f"{_family}_equal"] = (_kind, Compare.EQ, False)
    BASES[f"{_family}_not_equal"] = (_kind, Compare.EQ, True)
    BASES[f"{_family}_less_than"] = (_kind, Compare.LT, False)
    BASES[f"{_family}_less_than_equal"] = (_kind, Compare.LE, False)
    BASES[f"{_family}_greater_than"] = (_kind, Compare.GT, False)
    BASES[f"{_family}_greater_than_equal"] = (_kind, Compare.GE, False)

QUALIFIERS = {"for_any_value": "any", "for_all_value": "all"}
IF_EXIST = "_if_exist"

# AWS IAM base operator (lowercased) -> the CAM operator to suggest
_AWS: dict[str, str] = {
    "stringequals": "string_equal",
    "stringnotequals": "string_not_equal",
    "stringequalsignorecase": "string_equal_ignore_case",
    "stringnotequalsignorecase": "string_not_equal_ignore_case",
    "stringlike": "string_like",
    "stringnotlike": "string_not_like",
    "bool": "bool_equal",
    "binaryequals": "binary_equal",
    "ipaddress": "ip_equal",
    "notipaddress": "ip_not_equal",
    "null": "null_equal",
    # CAM has no ARN family: qcs names are plain strings
    "arnequals": "string_equal",
    "arnlike": "string_like",
    "arnnotequals": "string_not_equal",
    "arnnotlike": "string_not_like",
}
for _family in ("numeric", "date"):
    for _aws, _cam in (
        ("equals", "equal"),
        ("notequals", "not_equal"),
        ("lessthan", "less_than"),
        ("lessthanequals", "less_than_equal"),
        ("greaterthan", "greater_than"),
        ("greaterthanequals", "greater_than_equal"),
    ):
        _AWS[f"{_family}{_aws}"] = f"{_family}_{_cam}"
_AWS_QUALIFIERS = {"foranyvalue": "for_any_value:", "forallvalues": "for_all_value:"}

ALL_OPERATORS = sorted(
    [*BASES, *(f"{b}{IF_EXIST}" for b in BASES if b != "null_equal")]
    + [f"{q}:{b}" for q in QUALIFIERS for b in BASES if b != "null_equal"]
)


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    base: str
    kind: ValueKind
    compare: Compare
    negated: bool
    if_exist: bool
    qualifier: str  # "", "any" or "all"


def parse_operator(name: str, *, field: str) -> Operator:
    aws = aws_suggestion(name)
    if aws is not None:
        raise PolicyError(
            f"{shown(name)} is the AWS IAM spelling; did you mean {aws}?", field=field
        )
    qualifier = ""
    rest = name
    if ":" in name:
        prefix, rest = name.split(":", 1)
        if prefix not in QUALIFIERS:
            raise PolicyError(
                f"unknown qualifier {shown(prefix)}; use for_any_value: or for_all_value:",
                field=field,
            )
        qualifier = QUALIFIERS[prefix]
    if_exist = rest.endswith(IF_EXIST)
    base = rest[: -len(IF_EXIST)] if if_exist else rest
    if base not in BASES:
        raise PolicyError(f"unknown condition operator {shown(name)}{_hint(name)}", field=field)
    kind, compare, negated = BASES[base]
    if kind is ValueKind.NULL and (if_exist or qualifier):
        raise PolicyError(
            "null_equal takes neither _if_exist nor a for_*_value: qualifier", field=field
        )
    return Operator(name, base, kind, compare, negated, if_exist, qualifier)


def aws_suggestion(name: str) -> str | None:
    """The CAM operator for an AWS IAM spelling such as `Bool` or `ForAnyValue:StringLike`."""
    prefix = ""
    rest = name
    if ":" in name:
        head, rest = name.split(":", 1)
        if head.lower() not in _AWS_QUALIFIERS:
            return None
        prefix = _AWS_QUALIFIERS[head.lower()]
    suffix = ""
    if rest.lower().endswith("ifexists"):
        rest, suffix = rest[: -len("ifexists")], IF_EXIST
    base = _AWS.get(rest.lower())
    if base is None:
        return None
    return f"{prefix}{base}{suffix}"


def _hint(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), ALL_OPERATORS, n=1)
    return f"; did you mean {close[0]}?" if close else ""
