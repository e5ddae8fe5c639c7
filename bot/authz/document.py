"""One CAM policy document (`version` 2.0), parsed as CAM accepts it.

Element names and the `effect` value are read without regard to letter case
(COS returns `Statement`/`Allow`), but one element written twice in different
cases is refused. `statement` may be one object or a list; `action` and
`resource` a string or a list. `principal` belongs to resource-side policies and
is refused: our policies are attached under `attach:`. A statement's optional
`sid` (as in AWS IAM; CAM's syntax reference does not list it) is the author's
words for it, quoted in the decisions it makes ("no kicks in the webinar"). Unknown elements are
refused too: a misspelt `conditon` would otherwise widen an allow. A policy
longer than CAM's 6,144 characters (compact JSON, whitespace not counted) is
refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.authz.actions import unknown_action
from bot.authz.conditions import Condition, compile_condition
from bot.authz.decision import Decision, Effect, Reason
from bot.authz.errors import PolicyError, shown
from bot.authz.matching import (
    ActionMatcher,
    ResourceMatcher,
    compile_actions,
    compile_resources,
)
from bot.authz.request import APPROVED, CONTEXT_KEYS, ContextLookup

MAX_POLICY_CHARS = 6144
VERSION = "2.0"
_TOP = ("version", "statement")
_STATEMENT = ("sid", "effect", "action", "resource", "condition")
_KNOWN_VARIABLES = CONTEXT_KEYS | {"uin", "owner_uin"}


@dataclass(frozen=True, slots=True)
class Statement:
    policy: str
    index: int
    deny: bool
    actions: ActionMatcher
    resources: ResourceMatcher
    conditions: tuple[Condition, ...]
    sid: str | None = None  # the author's words for the statement, quoted in decisions
    # derived once, so a decision allocates nothing for them
    uses_approved: bool = field(init=False, compare=False)
    decision: Decision = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        uses = any(c.key == APPROVED for c in self.conditions)
        object.__setattr__(self, "uses_approved", uses)
        if self.deny:
            decision = Decision(
                Effect.DENY, Reason.EXPLICIT_DENY, self.policy, self.index, self.sid
            )
        else:
            decision = Decision(Effect.ALLOW, Reason.ALLOWED, self.policy, self.index, self.sid)
        object.__setattr__(self, "decision", decision)

    def matches(self, resource: str, ctx: ContextLookup) -> bool:
        """Resource and every condition (the action was matched by the index)."""
        resources = self.resources
        if not (resources.any or resource in resources.exact or resources.matches(resource, ctx)):
            return False
        # a plain loop, not all(...): this is the hot path of every decision
        for condition in self.conditions:  # noqa: SIM110
            if not condition.holds(ctx):
                return False
        return True


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    name: str
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...] = ()


def compact_size(data: object) -> int:
    """Characters of the compact JSON form, the measure of CAM's size limit."""
    try:
        text = json.dumps(
            data, separators=(",", ":"), ensure_ascii=False, default=str, skipkeys=True
        )
    except (ValueError, RecursionError) as error:  # a YAML alias cycle, an absurd number
        raise PolicyError(f"cannot be measured as JSON: {error}") from None
    return len(text)


def parse_document(name: str, data: object, *, account_uin: str) -> PolicyDocument:
    try:
        return _parse(name, data, account_uin=account_uin)
    except PolicyError as error:
        raise error.located(policy=name) from None


def _parse(name: str, data: object, *, account_uin: str) -> PolicyDocument:
    top = elements(data, _TOP, what="a policy document")
    size = compact_size(data)
    if size > MAX_POLICY_CHARS:
        raise PolicyError(
            f"policy is {size:,} characters of compact JSON; CAM allows {MAX_POLICY_CHARS:,}"
        )
    for element in _TOP:
        if element not in top:
            raise PolicyError(f"missing element {element!r}")
    version = top["version"]
    if not (version == VERSION or (isinstance(version, float) and version == 2.0)):
        raise PolicyError(
            f'{shown(version)} is not supported; CAM policies say "2.0"', field="version"
        )
    raw = top["statement"]
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list) or not items:
        raise PolicyError("must be a statement object or a non-empty list", field="statement")
    statements = []
    warnings: list[str] = []
    for index, item in enumerate(items):
        try:
            statement = _statement(name, index, item, account_uin=account_uin)
        except PolicyError as error:
            raise error.located(statement=index) from None
        statements.append(statement)
        warnings.extend(_warnings(statement))
    return PolicyDocument(name, tuple(statements), tuple(warnings))


def elements(data: object, allowed: tuple[str, ...], *, what: str) -> dict[str, object]:
    """The object's elements keyed by lowercase name; refuses duplicates and unknowns."""
    if not isinstance(data, Mapping):
        raise PolicyError(f"{what} must be a mapping, not {type(data).__name__}")
    out: dict[str, object] = {}
    spelled: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise PolicyError(f"element name {shown(key)} is not a string")
        lower = key.lower()
        if lower in out:
            raise PolicyError(
                f"element {lower!r} appears twice ({spelled[lower]!r} and {shown(key)})", field=key
            )
        if lower == "principal":
            raise PolicyError(
                "principal is for resource-side policies; attach this policy to Slack "
                "users, usergroups or channels under `attach:` instead",
                field=key,
            )
        if lower not in allowed:
            raise PolicyError(f"unknown element; expected {', '.join(allowed)}", field=key)
        out[lower] = value
        spelled[lower] = key
    return out


def _statement(name: str, index: int, data: object, *, account_uin: str) -> Statement:
    found = elements(data, _STATEMENT, what="a statement")
    for element in ("effect", "action", "resource"):
        if element not in found:
            raise PolicyError(f"missing element {element!r}", field=element)
    effect = found["effect"]
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        raise PolicyError(f"{shown(effect)} is not allow or deny", field="effect")
    actions = compile_actions(_strings(found["action"], field="action"))
    resources = compile_resources(
        _strings(found["resource"], field="resource"), account_uin=account_uin
    )
    conditions = compile_condition(found["condition"]) if "condition" in found else ()
    sid = found.get("sid")
    if sid is not None and (not isinstance(sid, str) or not sid.strip()):
        raise PolicyError(f"{shown(sid)} is not a non-empty string", field="sid")
    deny = effect.lower() == "deny"
    return Statement(name, index, deny, actions, resources, conditions, sid)


def _strings(value: object, *, field: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise PolicyError("must be a string or a non-empty list of strings", field=field)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise PolicyError(f"{shown(item)} is not a non-empty string", field=f"{field}[{i}]")
    return [str(item) for item in items]


def _warnings(statement: Statement) -> list[str]:
    where = f"policy {statement.policy!r} statement[{statement.index}]"
    out = []
    actions = statement.actions
    unknown = [unknown_action(k) for k in sorted(actions.exact)]
    unknown += [unknown_action(k, p) for k, p in actions.globs]
    out += [f"{where}: {why}" for why in unknown if why is not None]
    for c in statement.conditions:
        if c.operator.qualifier == "all" and not statement.deny:
            out.append(
                f"{where}: {c.operator.name} is true when {c.key!r} is missing; in an allow, "
                f"pair it with null_equal {{{c.key!r}: false}}"
            )
        if c.key not in CONTEXT_KEYS:
            out.append(f"{where}: condition key {c.key!r} is never set by trtc-chatops")
        for var in c.variables:
            if var not in _KNOWN_VARIABLES:
                out.append(
                    f"{where}: variable ${{{var}}} is never set; the statement never matches"
                )
    for d in statement.resources.dynamic:
        for is_var, text in d.last:
            if is_var and text not in _KNOWN_VARIABLES:
                out.append(
                    f"{where}: variable ${{{text}}} is never set; the statement never matches"
                )
    return out
