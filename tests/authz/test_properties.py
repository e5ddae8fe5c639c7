"""Properties of the engine over generated policy files (hypothesis)."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.authz import AuthzRequest, Decision, Effect, PolicyError, PolicySet, loads
from bot.authz.engine import PolicySet as CompiledPolicySet
from bot.authz.policyfile import parse_policy_file

ACTIONS = ["trtc:RemoveUser", "trtc:DismissRoom", "trtc:DescribeRoomInfo", "chatops:Approve"]
ACTION_PATTERNS = [
    *ACTIONS,
    "name/trtc:DismissRoom",
    "trtc:*",
    "trtc:Describe*",
    "trtc:Remove?ser",
    "*",
]
RESOURCES = [
    "*",
    "qcs::trtc::uin/1:sdkappid/1",
    "qcs::trtc::uin/1:sdkappid/*",
    "qcs::trtc::uin/2:sdkappid/*",
    "qcs::trtc::uin/1:sdkappid/${trtc:sdkappid}",
]
CONDITIONS: list[dict[str, Any]] = [
    {"string_equal": {"trtc:room_id": ["r1"]}},
    {"string_not_equal": {"slack:channel_id": "C1"}},
    {"bool_equal": {"chatops:approved": "true"}},
    {"bool_equal": {"chatops:approved": "false"}},
    {"for_any_value:string_equal": {"slack:usergroup": ["S1"]}},
    {"for_all_value:string_equal": {"slack:usergroup": ["S1"]}},
    {"date_less_than": {"qcs:current_time": "2026-01-01T00:00:00Z"}},
    {"null_equal": {"trtc:room_id": "true"}},
    {"string_like_if_exist": {"trtc:room_id": "r*"}},
]
POLICY_NAMES = ["p0", "p1", "p2", "p3"]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def statements(effect: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "effect": effect,
            "action": st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2),
            "resource": st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2),
        },
        optional={"condition": st.sampled_from(CONDITIONS)},
    )


ANY_STATEMENT = statements(st.sampled_from(["allow", "deny"]))
SUBSET = st.lists(st.sampled_from(POLICY_NAMES), unique=True, max_size=3)


@st.composite
def policy_files(draw: st.DrawFn) -> dict[str, Any]:
    names = POLICY_NAMES[: draw(st.integers(1, len(POLICY_NAMES)))]
    policies = {
        name: {"version": "2.0", "statement": draw(st.lists(ANY_STATEMENT, min_size=1, max_size=3))}
        for name in names
    }
    subset = st.lists(st.sampled_from(names), unique=True, max_size=len(names))
    attach: dict[str, Any] = {
        "users": {"U1": draw(subset)},
        "usergroups": {"S1": draw(subset), "S2": draw(subset)},
        "channels": {"C1": draw(subset)} if draw(st.booleans()) else {},
    }
    if draw(st.booleans()):
        attach["default_channel_guardrail"] = draw(subset)
    return {"account_uin": "1", "policies": policies, "attach": attach}


requests = st.builds(
    AuthzRequest,
    user_id=st.sampled_from(["U1", "U2"]),
    usergroups=st.frozensets(st.sampled_from(["S1", "S2"])),
    channel_id=st.sampled_from(["C1", "C2"]),
    action=st.sampled_from(ACTIONS),
    resource=st.sampled_from(
        [
            "qcs::trtc::uin/1:sdkappid/1",
            "qcs::trtc::uin/1:sdkappid/2",
            "qcs::trtc::uin/2:sdkappid/1",
        ]
    ),
    context=st.fixed_dictionaries(
        {},
        optional={
            "trtc:room_id": st.sampled_from(["r1", "r2"]),
            "chatops:approved": st.sampled_from(["true", "false"]),
            "qcs:current_time": st.sampled_from(["2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"]),
        },
    ),
)


def compile_file(data: dict[str, Any]) -> PolicySet:
    return CompiledPolicySet(parse_policy_file(data))


def summary(decision: Decision) -> tuple[str, str, str | None]:
    return (decision.effect.value, decision.reason.value, decision.policy)


@FAST
@given(policy_files(), requests, statements(st.just("deny")), st.sampled_from(POLICY_NAMES))
def test_adding_a_deny_never_allows(
    data: dict[str, Any], request: AuthzRequest, deny: dict[str, Any], target: str
) -> None:
    """Adding a deny statement anywhere never turns a refused request into an allowed one."""
    before = compile_file(data).evaluate(request)
    grown = copy.deepcopy(data)
    grown["policies"].setdefault(target, {"version": "2.0", "statement": []})["statement"].append(
        deny
    )
    after = compile_file(grown).evaluate(request)
    if before.effect is not Effect.ALLOW:
        assert after.effect is not Effect.ALLOW


@FAST
@given(policy_files(), requests, statements(st.just("allow")), st.sampled_from(POLICY_NAMES))
def test_adding_an_allow_never_denies(
    data: dict[str, Any], request: AuthzRequest, allow: dict[str, Any], target: str
) -> None:
    """Adding an allow statement anywhere never turns an allowed request into a refused one."""
    before = compile_file(data).evaluate(request)
    grown = copy.deepcopy(data)
    grown["policies"].setdefault(target, {"version": "2.0", "statement": []})["statement"].append(
        allow
    )
    after = compile_file(grown).evaluate(request)
    if before.effect is Effect.ALLOW:
        assert after.effect is Effect.ALLOW


@FAST
@given(
    policy_files(), st.lists(requests, min_size=1, max_size=5), st.randoms(use_true_random=False)
)
def test_order_does_not_matter(data: dict[str, Any], batch: list[AuthzRequest], rng: Any) -> None:
    """Shuffling statements, policies and attachment lists never changes a decision."""
    shuffled = copy.deepcopy(data)
    items = list(shuffled["policies"].items())
    rng.shuffle(items)
    for _, document in items:
        rng.shuffle(document["statement"])
    shuffled["policies"] = dict(items)
    for table in ("users", "usergroups", "channels"):
        for names in shuffled["attach"][table].values():
            rng.shuffle(names)
    original, reordered = compile_file(data), compile_file(shuffled)
    for request in batch:
        assert summary(original.evaluate(request)) == summary(reordered.evaluate(request))


@FAST
@given(policy_files(), requests)
def test_needs_approval_is_exactly_allowed_once_approved(
    data: dict[str, Any], request: AuthzRequest
) -> None:
    """needs_approval appears only for an unapproved request that approval would allow."""
    policies = compile_file(data)
    decision = policies.evaluate(request)
    approved = AuthzRequest(
        request.user_id,
        request.usergroups,
        request.channel_id,
        request.action,
        request.resource,
        {**request.context, "chatops:approved": "true"},
    )
    if decision.effect is Effect.NEEDS_APPROVAL:
        assert request.context.get("chatops:approved") != "true"
        assert policies.evaluate(approved).effect is Effect.ALLOW
    elif decision.effect is Effect.DENY and request.context.get("chatops:approved") != "true":
        assert policies.evaluate(approved).effect is not Effect.ALLOW


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)
# Structured fuzz: the shape of a policy file with each element either plausible or junk,
# so generated input reaches the statement, action, resource and condition parsers.
JUNK = JSON_VALUES
VALUES = st.sampled_from(
    [
        "r1",
        "true",
        "false",
        "10",
        "2026-01-01T00:00:00Z",
        "10.0.0.0/8",
        "aGk=",
        "${uin}",
        "${x",
        "*",
    ]
)
OPERATORS = st.sampled_from(
    [
        "string_equal",
        "string_not_like",
        "numeric_less_than_if_exist",
        "date_greater_than",
        "bool_equal",
        "binary_equal",
        "ip_not_equal",
        "null_equal",
        "for_any_value:string_like",
        "for_all_value:ip_equal",
        "Bool",
        "StringLike",
        "string_equals",
        "for_each:string_equal",
        "null_equal_if_exist",
    ]
)
CONDITION = st.dictionaries(
    OPERATORS,
    st.dictionaries(
        st.sampled_from(["trtc:room_id", "slack:usergroup", "qcs:current_time", ""]),
        VALUES | st.lists(VALUES | JUNK, max_size=3) | JUNK,
        max_size=2,
    )
    | JUNK,
    max_size=2,
)
STATEMENT = st.fixed_dictionaries(
    {
        "effect": st.sampled_from(["allow", "deny", "Allow", "DENY", "permit"]) | JUNK,
        "action": st.lists(
            st.sampled_from([*ACTION_PATTERNS, "RemoveUser", "permid/1", ""]), max_size=3
        )
        | st.sampled_from(ACTION_PATTERNS)
        | JUNK,
        "resource": st.lists(
            st.sampled_from([*RESOURCES, "qcs::trtc", "qcs:::::", "arn:x:y:z:a:b"]), max_size=3
        )
        | st.sampled_from(RESOURCES)
        | JUNK,
    },
    optional={"condition": CONDITION | JUNK, "Effect": JUNK, "principal": JUNK, "sid": JUNK},
)
DOCUMENT = st.fixed_dictionaries(
    {
        "version": st.sampled_from(["2.0", 2.0, "1.0"]) | JUNK,
        "statement": STATEMENT | st.lists(STATEMENT, max_size=3) | JUNK,
    }
)
NAMES = st.sampled_from(["p", "q", "QcloudTRTCFullAccess", "QcloudTRTCReadonlyAccess", "bad name"])
NEAR_VALID = st.fixed_dictionaries(
    {
        "account_uin": st.sampled_from(["1", 1, "x"]) | JUNK,
        "policies": st.dictionaries(NAMES, DOCUMENT | JUNK, max_size=3) | JUNK,
    },
    optional={
        "attach": st.fixed_dictionaries(
            {},
            optional={
                "users": st.dictionaries(
                    st.sampled_from(["U1", ""]), st.lists(NAMES, max_size=2) | JUNK
                ),
                "channels": st.dictionaries(
                    st.sampled_from(["C1"]), st.lists(NAMES, max_size=2) | JUNK
                ),
                "default_channel_guardrail": st.lists(NAMES, max_size=2) | JUNK,
                "Users": JUNK,
            },
        )
        | JUNK
    },
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES | NEAR_VALID | DOCUMENT)
def test_parser_raises_only_policy_error_on_data(data: Any) -> None:
    """Any JSON-shaped value either loads or raises PolicyError, never anything else."""
    for candidate in (data, {"account_uin": "1", "policies": {"p": data}}):
        refused = None
        try:
            parse_policy_file(candidate, file="fuzz.yaml")
        except PolicyError as error:
            refused = error
        assert refused is None or str(refused).startswith("fuzz.yaml")


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        NEAR_VALID.map(lambda v: yaml.safe_dump(v)),
        NEAR_VALID.map(json.dumps),
    )
)
def test_parser_raises_only_policy_error_on_text(text: str) -> None:
    """Any text, read as YAML or JSON, either loads or raises PolicyError."""
    for fmt in ("yaml", "json"):
        refused = None
        try:
            loads(text, file="fuzz", fmt=fmt)  # type: ignore[arg-type]
        except PolicyError as error:
            refused = error
        assert refused is None or str(refused).startswith("fuzz")
