"""The same commands by different personas in different channels: allow, deny, approval."""

from __future__ import annotations

import pytest

from bot.core.reply import Reply, Severity
from tests.core.conftest import Harness

INCIDENT, STATUS = "C0INCIDENT", "C0STATUS"

MATRIX = [
    # persona, command, channel, outcome, why (for deny)
    ("oncall", "kick 1234 alice", INCIDENT, "confirm", None),
    ("oncall", "kick 1234 alice", STATUS, "deny", "guardrail"),
    ("oncall", "kick 8888 viewer_0001", INCIDENT, "deny", "explicit_deny"),
    ("oncall", "mute standup grace", INCIDENT, "confirm", None),
    ("oncall", "dismiss 1234", INCIDENT, "approval", None),
    # Without approval no identity statement allows it, which is what is reported.
    ("oncall", "dismiss 1234", STATUS, "deny", "implicit_deny"),
    ("lead", "audit", STATUS, "deny", "guardrail"),
    ("oncall", "users 1234", STATUS, "allow", None),
    ("oncall", "audit", INCIDENT, "deny", "implicit_deny"),
    ("oncall", "users staging/1234", INCIDENT, "deny", "implicit_deny"),
    ("lead", "audit", INCIDENT, "allow", None),
    ("lead", "dismiss standup", INCIDENT, "approval", None),
    ("lead", "kick staging/1234 zoe", INCIDENT, "deny", "implicit_deny"),
    ("viewer", "users 1234", INCIDENT, "allow", None),
    ("viewer", "users staging/1234", INCIDENT, "allow", None),
    ("viewer", "kick 1234 alice", INCIDENT, "deny", "implicit_deny"),
    ("viewer", "mute 1234 bob", INCIDENT, "deny", "implicit_deny"),
    ("viewer", "dismiss 1234", INCIDENT, "deny", "implicit_deny"),
]


def outcome(reply: Reply) -> str:
    if reply.headline.startswith("Not allowed"):
        return "deny"
    if reply.headline.startswith("Approval needed"):
        return "approval"
    if reply.headline.startswith("Confirm:"):
        return "confirm"
    assert reply.severity is not Severity.ERROR, reply.headline
    return "allow"


@pytest.mark.parametrize(("persona", "line", "channel", "expected", "why"), MATRIX)
async def test_matrix(
    harness: Harness, persona: str, line: str, channel: str, expected: str, why: str | None
) -> None:
    """Each persona/command/channel gets the decision the sample policy implies."""
    reply = await harness.say(persona, line, channel=channel)
    assert outcome(reply) == expected, reply.headline
    if why is not None:
        assert f"({why})" in "\n".join(reply.lines)
    assert harness.mutations() == []
