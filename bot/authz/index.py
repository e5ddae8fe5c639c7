"""Statements of a set of policies, indexed by action.

Exact `service:Action` names are dict keys; wildcard actions were compiled when
the policy was loaded, and each action asked for is resolved against them once
and remembered. Statements come back deny first, then allow, each in (policy
name, statement index) order, so the first match does not depend on the order
of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.authz.document import PolicyDocument, Statement

# Distinct actions (or principal/action pairs) remembered before a memo starts
# over; the bot knows a few dozen actions, so this only bounds hostile input.
MEMO_LIMIT = 65_536


@dataclass(frozen=True, slots=True)
class Bucket:
    """The statements that may apply to one action for one set of policies."""

    denies: tuple[Statement, ...]
    allows: tuple[Statement, ...]
    uses_approved: bool  # some statement tests chatops:approved


EMPTY = Bucket((), (), False)


class PolicyIndex:
    """One policy's statements by normalised action."""

    __slots__ = ("_exact", "_memo", "_wild")

    def __init__(self, document: PolicyDocument) -> None:
        self._exact: dict[str, list[Statement]] = {}
        self._wild: list[Statement] = []
        for statement in document.statements:
            actions = statement.actions
            if actions.any or actions.pattern is not None:
                self._wild.append(statement)
            for key in actions.exact:
                self._exact.setdefault(key, []).append(statement)
        self._memo: dict[str, tuple[Statement, ...]] = {}

    def lookup(self, action_key: str) -> tuple[Statement, ...]:
        found = self._memo.get(action_key)
        if found is None:
            hits = {s.index: s for s in self._exact.get(action_key, ())}
            for s in self._wild:
                if s.index not in hits and s.actions.matches(action_key):
                    hits[s.index] = s
            found = tuple(hits[i] for i in sorted(hits))
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[action_key] = found
        return found


def bucket(names: Iterable[str], indexes: Mapping[str, PolicyIndex], action_key: str) -> Bucket:
    """Deny and allow statements of the named policies that mention the action."""
    denies: list[Statement] = []
    allows: list[Statement] = []
    for name in sorted(set(names)):
        for statement in indexes[name].lookup(action_key):
            (denies if statement.deny else allows).append(statement)
    if not denies and not allows:
        return EMPTY
    uses_approved = any(s.uses_approved for s in (*denies, *allows))
    return Bucket(tuple(denies), tuple(allows), uses_approved)
