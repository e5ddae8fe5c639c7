"""The same commands by different personas in different channels: allow, deny, approval."""

from __future__ import annotations

import time

import pytest

from bot.authz import PolicyReloader
from bot.authz.decision import Decision, Effect
from bot.console.personas import PERSONAS, sample_policy_path
from bot.core.authorizer import authorize
from bot.core.grammar import Grammar
from bot.core.spec import CommandSpec
from commands import REGISTRY

INCIDENT, STATUS = "C0INCIDENT", "C0STATUS"

MATRIX = [
    # persona, command, channel, outcome, why (for deny)
    ("oncall", "kick 1234 alice", INCIDENT, "confirm", None),
    ("oncall", "kick 1234 alice", STATUS, "deny", "guardrail"),
    ("oncall", "kick 8888 viewer_0001", INCIDENT, "deny", "explicit_deny"),
    ("oncall", "mute standup grace", INCIDENT, "confirm", None),
    ("oncall", "dismiss 1234", INCIDENT, "approval", None),
    # Approval would satisfy the person's own policy but not the guardrail: it decides.
    ("oncall", "dismiss 1234", STATUS, "deny", "guardrail"),
    ("lead", "dismiss 1234", STATUS, "deny", "guardrail"),
    ("lead", "audit", STATUS, "deny", "guardrail"),
    ("oncall", "users 1234", STATUS, "allow", None),
    ("oncall", "audit", INCIDENT, "deny", "implicit_deny"),
    ("oncall", "users staging/1234", INCIDENT, "allow", None),  # staging: read only
    ("oncall", "kick staging/1234 zoe", INCIDENT, "deny", "implicit_deny"),
    ("lead", "audit", INCIDENT, "allow", None),
    ("lead", "dismiss standup", INCIDENT, "approval", None),
    ("lead", "kick staging/1234 zoe", INCIDENT, "deny", "implicit_deny"),
    ("viewer", "users 1234", INCIDENT, "allow", None),
    ("viewer", "users staging/1234", INCIDENT, "allow", None),
    ("viewer", "kick 1234 alice", INCIDENT, "deny", "implicit_deny"),
    ("viewer", "mute 1234 bob", INCIDENT, "deny", "implicit_deny"),
    ("viewer", "dismiss 1234", INCIDENT, "deny", "implicit_deny"),
]


POLICIES = PolicyReloader(sample_policy_path()).current
GRAMMAR = Grammar(REGISTRY, apps={"staging": 1400000002}, default_app=1400000001)


def outcome(spec: CommandSpec, decision: Decision) -> str:
    if decision.effect is Effect.DENY:
        return "deny"
    if decision.effect is Effect.NEEDS_APPROVAL:
        return "approval"
    return "confirm" if spec.mutating else "allow"


@pytest.mark.parametrize(("persona", "line", "channel", "expected", "why"), MATRIX)
def test_matrix(persona: str, line: str, channel: str, expected: str, why: str | None) -> None:
    """Each persona/command/channel gets the decision the sample policy implies (the
    authorizer asked directly: what the pipeline does with a decision is tested there)."""
    parsed = GRAMMAR.parse(line)
    who = PERSONAS[persona]
    auth = authorize(
        POLICIES,
        parsed.spec,
        parsed.args,
        actor=who.user_id,
        usergroups=who.groups,
        channel=channel,
        now=time.time(),
        default_app=GRAMMAR.default_app,
    )
    assert auth is not None
    decision = auth[1]
    assert outcome(parsed.spec, decision) == expected, decision.explain()
    if why is not None:
        assert decision.reason.value == why
