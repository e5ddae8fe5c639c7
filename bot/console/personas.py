"""The console's cast: Slack-like identities that the bundled sample policy names.

They make permissions visible in a minute: the on-call engineer may kick and
mute but needs approval to dismiss; the lead approves; the viewer only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    user_id: str
    groups: frozenset[str]
    about: str


PERSONAS: dict[str, Persona] = {
    p.name: p
    for p in (
        Persona(
            "oncall",
            "U0ONCALL",
            frozenset({"S0ONCALL"}),
            "on-call engineer: reads, kicks and mutes; dismiss and ban need approval",
        ),
        Persona(
            "lead",
            "U0LEAD",
            frozenset({"S0LEADS"}),
            "incident lead: everything on-call may, plus ban, approve and read the audit",
        ),
        Persona(
            "viewer", "U0VIEWER", frozenset(), "stakeholder: read-only (QcloudTRTCReadonlyAccess)"
        ),
    )
}

DEFAULT_PERSONA = "oncall"
DEFAULT_CHANNEL = "C0INCIDENT"


def sample_policy_path() -> Path:
    """The bundled policy the personas are written for."""
    return Path(str(resources.files("bot.console").joinpath("sample-policy.yaml")))
