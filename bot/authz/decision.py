"""The answer of the policy engine: a value, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Effect(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    NEEDS_APPROVAL = "needs_approval"


class Reason(StrEnum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"
    GUARDRAIL = "guardrail"
    NEEDS_APPROVAL = "needs_approval"
    # only from `PolicySet.can_approve`: nobody approves their own request
    SELF_APPROVAL = "self_approval"


@dataclass(frozen=True, slots=True)
class Decision:
    """Effect and reason, plus the policy and statement index that decided.

    `policy`/`statement` name the deny statement for `explicit_deny`, the identity
    allow statement for `allowed`, and the statement that would allow once approved
    for `needs_approval`; they are None when no statement matched
    (`implicit_deny`, `guardrail`, `self_approval`). `sid` is that statement's own
    words (its optional `sid` element), quoted to the person it decided for.
    """

    effect: Effect
    reason: Reason
    policy: str | None = None
    statement: int | None = None
    sid: str | None = None

    @property
    def allowed(self) -> bool:
        return self.effect is Effect.ALLOW

    def as_dict(self) -> dict[str, str | int | None]:
        """The CLI's `--json` shape: decision, reason, policy, statement (and sid, if any)."""
        shape: dict[str, str | int | None] = {
            "decision": self.effect.value,
            "reason": self.reason.value,
            "policy": self.policy,
            "statement": self.statement,
        }
        if self.sid is not None:
            shape["sid"] = self.sid
        return shape

    def explain(self) -> str:
        """One line for people: what was decided and which statement decided it.

        The reason is named only when it adds to the effect ("deny (guardrail)"),
        never "allow (allowed)"."""
        head = self.effect.value
        if self.reason.value != self.effect.value and self.reason is not Reason.ALLOWED:
            head = f"{head} ({self.reason.value})"
        return f"{head}: {self.why()}"

    def why(self) -> str:
        """Which statement decided, with its sid quoted; or why none did."""
        if self.policy is None:
            return _NO_STATEMENT[self.reason]
        where = f"policy {self.policy!r} statement[{self.statement}]"
        return f'{where} "{self.sid}"' if self.sid else where


_NO_STATEMENT = {
    Reason.ALLOWED: "allowed",
    Reason.EXPLICIT_DENY: "denied",
    Reason.IMPLICIT_DENY: "no identity policy allows this request",
    Reason.GUARDRAIL: "the channel guardrail does not allow this request",
    Reason.NEEDS_APPROVAL: "needs approval",
    Reason.SELF_APPROVAL: "nobody may approve their own request",
}
