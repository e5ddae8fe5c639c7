"""The compiled policy file and its decisions: pure, no I/O, no clock.

Evaluation (CAM's, plus DESIGN.md's channel guardrail as an intersection):

1. a matching deny in any identity policy (user + usergroups) or guardrail policy
   -> deny, `explicit_deny`;
2. a resource naming another account than `account_uin` is never allowed;
3. no matching identity allow -> deny, `implicit_deny`;
4. the channel has a guardrail (see `policyfile`) and none of its statements
   allows -> deny, `guardrail`;
5. otherwise allow, naming the identity statement.

A denied request that would be allowed with `chatops:approved` = "true" is
`needs_approval`, naming the statement that would allow it; one that approval would
let through the person's own policies but not the channel's guardrail is `guardrail`
(the guardrail decides, and approval cannot help).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.authz.decision import Decision, Effect, Reason
from bot.authz.index import EMPTY, MEMO_LIMIT, Bucket, PolicyIndex, bucket
from bot.authz.policyfile import PolicyFile
from bot.authz.request import (
    APPROVE_ACTION,
    APPROVED,
    CURRENT_TIME,
    REQUESTED_ACTION,
    REQUESTER,
    AuthzRequest,
    RequestContext,
    normalize_action,
)

_APPROVED_TRUE = {APPROVED: "true"}
_IMPLICIT_DENY = Decision(Effect.DENY, Reason.IMPLICIT_DENY)
_GUARDRAIL_DENY = Decision(Effect.DENY, Reason.GUARDRAIL)
_APPROVE_KEY = normalize_action(APPROVE_ACTION)


class PolicySet:
    """A policy file compiled for evaluation; safe to share between tasks and threads."""

    def __init__(self, policy_file: PolicyFile) -> None:
        self.policy_file = policy_file
        self.account_uin = policy_file.account_uin
        self.warnings = policy_file.warnings
        self.recording_privacy = policy_file.recording_privacy
        self._attach = policy_file.attach
        self._indexes = {name: PolicyIndex(doc) for name, doc in policy_file.policies.items()}
        self._owner = f"uin/{self.account_uin}"
        self._owned_memo: dict[str, bool] = {}
        self._identity_memo: dict[tuple[str, frozenset[str], str], Bucket] = {}
        self._guardrail_memo: dict[tuple[str, str], Bucket | None] = {}

    def principals(self) -> tuple[frozenset[str], frozenset[str]]:
        """The users and usergroups the file attaches policies to: everyone who could
        be allowed anything (whom to remind of a pending approval)."""
        return frozenset(self._attach.users), frozenset(self._attach.usergroups)

    def resource_for(self, sdkappid: int | str) -> str:
        """The qcs name of one TRTC application of this account."""
        return f"qcs::trtc::uin/{self.account_uin}:sdkappid/{sdkappid}"

    def evaluate(self, request: AuthzRequest) -> Decision:
        key = request.action_key
        identity = self._identity(request.user_id, request.usergroups, key)
        guardrail = self._guardrail(request.channel_id, key)
        ctx = RequestContext(request)
        decision = self._decide(request.resource, identity, guardrail, ctx)
        if decision.effect is Effect.ALLOW:
            return decision
        if not (identity.uses_approved or (guardrail is not None and guardrail.uses_approved)):
            return decision
        approved = ctx.get(APPROVED)
        if isinstance(approved, str) and approved.lower() == "true":
            return decision
        retry = self._decide(
            request.resource, identity, guardrail, ctx.with_overrides(_APPROVED_TRUE)
        )
        if retry.reason is Reason.GUARDRAIL:
            return retry  # the person's own policy would allow it approved: the guardrail decides
        if retry.effect is not Effect.ALLOW:
            return decision
        return Decision(
            Effect.NEEDS_APPROVAL, Reason.NEEDS_APPROVAL, retry.policy, retry.statement, retry.sid
        )

    def can_approve(self, approver: AuthzRequest, requester_user_id: str) -> Decision:
        """Allow only if `approver` may `chatops:Approve` and is not the requester.

        `approver` is the approver's request for `chatops:Approve` on the pending
        request's resource (build it with `approval_request`); `chatops:requester`
        is set here. The approver's channel guardrail applies, like any request.
        """
        if approver.action_key != _APPROVE_KEY:
            raise ValueError(f"an approval asks for {APPROVE_ACTION}, not {approver.action!r}")
        if approver.user_id == requester_user_id:
            return Decision(Effect.DENY, Reason.SELF_APPROVAL)
        identity = self._identity(approver.user_id, approver.usergroups, _APPROVE_KEY)
        guardrail = self._guardrail(approver.channel_id, _APPROVE_KEY)
        ctx = RequestContext(approver, {REQUESTER: requester_user_id})
        return self._decide(approver.resource, identity, guardrail, ctx)

    def approval_request(
        self,
        pending: AuthzRequest,
        *,
        user_id: str,
        usergroups: Iterable[str],
        channel_id: str,
        context: Mapping[str, str | Sequence[str]] | None = None,
    ) -> AuthzRequest:
        """The approver's `chatops:Approve` request for a pending request.

        It carries the pending request's resource and context (so room-scoped
        approver policies work), minus its approval flag and time; `context` adds
        the approver's own (`qcs:current_time` at least).
        """
        merged: dict[str, str | Sequence[str]] = {
            k: v for k, v in pending.context.items() if k not in (APPROVED, CURRENT_TIME)
        }
        merged.update(context or {})
        action = pending.action.strip()
        merged[REQUESTED_ACTION] = action[5:] if action[:5].lower() == "name/" else action
        merged[REQUESTER] = pending.user_id
        return AuthzRequest(
            user_id, frozenset(usergroups), channel_id, APPROVE_ACTION, pending.resource, merged
        )

    def _decide(
        self, resource: str, identity: Bucket, guardrail: Bucket | None, ctx: RequestContext
    ) -> Decision:
        # Plain loops over pre-sorted tuples: this is the hot path of every decision.
        for statement in identity.denies:
            if statement.matches(resource, ctx):
                return statement.decision
        if guardrail is not None:
            for statement in guardrail.denies:
                if statement.matches(resource, ctx):
                    return statement.decision
        owned = self._owned_memo.get(resource)
        if owned is None:
            owned = self._owned(resource)
        if not owned:
            return _IMPLICIT_DENY
        for allow in identity.allows:
            if allow.matches(resource, ctx):
                break
        else:
            return _IMPLICIT_DENY
        if guardrail is not None:
            for statement in guardrail.allows:
                if statement.matches(resource, ctx):
                    break
            else:
                return _GUARDRAIL_DENY
        return allow.decision

    def _owned(self, resource: str) -> bool:
        """False only for a qcs name whose account segment names another UIN."""
        segments = resource.split(":", 5)
        owned = (
            len(segments) < 6
            or segments[0] != "qcs"
            or not segments[4].startswith("uin/")
            or segments[4] == self._owner
        )
        if len(self._owned_memo) >= MEMO_LIMIT:
            self._owned_memo.clear()
        self._owned_memo[resource] = owned
        return owned

    def _identity(self, user_id: str, usergroups: frozenset[str], key: str) -> Bucket:
        memo_key = (user_id, usergroups, key)
        found = self._identity_memo.get(memo_key)
        if found is None:
            attach = self._attach
            names = list(attach.users.get(user_id, ()))
            for group in usergroups:
                names.extend(attach.usergroups.get(group, ()))
            found = bucket(names, self._indexes, key) if names else EMPTY
            if len(self._identity_memo) >= MEMO_LIMIT:
                self._identity_memo.clear()
            self._identity_memo[memo_key] = found
        return found

    def _guardrail(self, channel_id: str, key: str) -> Bucket | None:
        memo_key = (channel_id, key)
        if memo_key in self._guardrail_memo:
            return self._guardrail_memo[memo_key]
        names = self._attach.channels.get(channel_id, self._attach.default_channel_guardrail)
        found = None if names is None else bucket(names, self._indexes, key)
        if len(self._guardrail_memo) >= MEMO_LIMIT:
            self._guardrail_memo.clear()
        self._guardrail_memo[memo_key] = found
        return found
