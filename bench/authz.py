"""Authorization: our CAM engine against pycasbin and cedarpy on the same rules.

Workload (seeded): 200 policies of 5 statements (1,000 statements; 12% deny),
attached to 500 users (0-2 policies each, member of 1-3 of 50 usergroups with 2-4
policies each) and used as guardrails by 20 channels (4 QcloudTRTCFullAccess, 4
QcloudTRTCReadonlyAccess, 12 with two of the 200 policies); 5 more channels fall
back to the default guardrail (QcloudTRTCReadonlyAccess). Statements mix exact
actions and wildcards (`trtc:Describe*`, `trtc:*ByStrRoomId`, `trtc:*`...), one
application, `sdkappid/*` or `*` as resource, and in 40% of them a condition:
rooms (string_equal trtc:room_id), VIP rooms (string_like), approval
(bool_equal chatops:approved), a deadline (date_less_than qcs:current_time) or
usergroups (for_any_value:string_equal slack:usergroup). Requests: random user
(with that user's usergroups), channel, action among 14, application among 10,
room among 50, approved 20% of the time, a time in 2025-2026.

Mapping (all three must agree on allow/deny for every request they decide; the
run checks it and prints the agreement):
- pycasbin: model `r = sub, obj, act, ctx`, `p = sub, obj, act, cond, eft`,
  `g = _, _`, effect "some allow and no deny". One `p` row per statement, its
  actions and its resources each joined into one anchored regex. Two matchers:
  "eval" is pycasbin's ABAC form, `g(r.sub, p.sub) && regexMatch(r.obj, p.obj)
  && regexMatch(r.act, p.act) && eval(p.cond)` with each condition a Python
  expression over a context object (pycasbin re-parses the matcher per row);
  "functions" is `g(r.sub, p.sub) && rx(r.obj, p.obj) && rx(r.act, p.act) &&
  cond(r.ctx, p.cond)` with registered functions looking up regexes and
  condition predicates compiled once (pycasbin's fastest form here). `g` rows:
  user -> usergroup -> policy, user -> policy, channel -> policy (unlisted
  channels -> the default guardrail's policies). A decision is two enforce()
  calls, identity (sub = the user) AND guardrail (sub = the channel): a deny in
  either makes that call false, which is CAM's "explicit deny anywhere wins".
- cedarpy: one Cedar policy per statement, `permit`/`forbid(principal in
  Policy::"<name>", action in [<the actions its patterns match>], resource) when
  {resource.qcs like "<glob>" && <condition>}`; users, usergroups and channels
  are entities whose parents lead to the Policy entities attached to them, so
  `principal in Policy::"p"` means "p is attached". Wildcard actions are expanded
  over the 14 known actions (Cedar has no action wildcards). A decision is one
  is_authorized_batch() call with two requests (identity principal = the user,
  guardrail principal = the channel), both required to allow. "pre-parsed"
  passes PolicySet/Entities handles parsed once; "relevant only" makes two
  is_authorized() calls per decision, each handed a pre-parsed set of just the
  statements attached to that principal that mention the action (the selection
  our index makes; built before timing); "text" passes the whole policy text,
  re-parsed on each call, as cedarpy's is_authorized is often used.

Ours is timed over every request (first pass with its per-principal memos cold,
then a second pass); the baselines, far slower, over the first requests of the
same stream (see --casbin-requests, --cedar-requests). Latency figures include
the timer call (~0.1 µs); our decisions/s is measured in a separate untimed
loop, the baselines' from the timed calls. "× ours" is the median over our
first-pass median.

    .venv/bin/python bench/authz.py [--requests 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import casbin
import cedarpy
from casbin.model import Model

from bot.authz import AuthzRequest, Effect, PolicySet
from bot.authz.engine import PolicySet as CompiledPolicySet
from bot.authz.policyfile import parse_policy_file

ACCOUNT = "100000000001"
ACTIONS = [
    "trtc:RemoveUser",
    "trtc:RemoveUserByStrRoomId",
    "trtc:DismissRoom",
    "trtc:DismissRoomByStrRoomId",
    "trtc:SetUserBlocked",
    "trtc:SetUserBlockedByStrRoomId",
    "trtc:DescribeRoomInfo",
    "trtc:DescribeUserInfo",
    "trtc:DescribeCallDetailInfo",
    "trtc:DescribeUserEvent",
    "trtc:DescribeScaleInfo",
    "trtc:DescribeTrtcUsage",
    "trtc:GetUserList",
    "chatops:Approve",
]
WILDCARDS = [
    "trtc:Describe*",
    "trtc:RemoveUser*",
    "trtc:DismissRoom*",
    "trtc:SetUserBlocked*",
    "trtc:*ByStrRoomId",
    "trtc:*",
    "name/trtc:RemoveUser",
]
APPS = [str(1400000001 + i) for i in range(10)]
ROOMS = [str(1000 + i) for i in range(40)] + [f"vip-{i}" for i in range(10)]
GROUPS = [f"S{i:02d}" for i in range(50)]
USERS = [f"U{i:03d}" for i in range(500)]
CHANNELS = [f"C{i:02d}" for i in range(20)]
UNLISTED = [f"C{i:02d}" for i in range(20, 25)]
FULL, READONLY = "QcloudTRTCFullAccess", "QcloudTRTCReadonlyAccess"
PRESET_ACTIONS = {FULL: ["trtc:*"], READONLY: ["trtc:Describe*", "trtc:Get*"]}
T0 = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
T1 = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Rule:
    """One statement, in a form each engine is built from."""

    deny: bool
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: tuple[str, Any] | None


@dataclass(frozen=True)
class Ask:
    """One request, in a form each engine's request is built from."""

    user: str
    groups: frozenset[str]
    channel: str
    action: str
    app: str
    room: str
    approved: bool
    now: int


def resource(app: str) -> str:
    return f"qcs::trtc::uin/{ACCOUNT}:sdkappid/{app}"


def build(seed: int, count: int) -> tuple[dict[str, list[Rule]], dict[str, Any], list[Ask]]:
    rng = random.Random(seed)
    policies: dict[str, list[Rule]] = {}
    for p in range(200):
        rules = []
        for _ in range(5):
            deny = rng.random() < 0.12
            actions = tuple(rng.sample(ACTIONS + WILDCARDS, rng.randint(1, 3)))
            kind = rng.random()
            if kind < 0.5:
                resources: tuple[str, ...] = (resource(rng.choice(APPS)),)
            elif kind < 0.8:
                resources = (f"qcs::trtc::uin/{ACCOUNT}:sdkappid/*",)
            else:
                resources = ("*",)
            condition: tuple[str, Any] | None = None
            if rng.random() < 0.4:
                if deny:
                    condition = rng.choice([("vip", "vip-*"), ("unapproved", None)])
                else:
                    condition = rng.choice(
                        [
                            ("rooms", tuple(rng.sample(ROOMS, 5))),
                            ("approved", None),
                            ("before", rng.randint(T0, T1)),
                            ("groups", tuple(rng.sample(GROUPS, 5))),
                        ]
                    )
            rules.append(Rule(deny, actions, resources, condition))
        policies[f"p{p:03d}"] = rules
    names = list(policies)
    membership = {u: frozenset(rng.sample(GROUPS, rng.randint(1, 3))) for u in USERS}
    attach = {
        "users": {u: rng.sample(names, rng.randint(0, 2)) for u in USERS},
        "usergroups": {g: rng.sample(names, rng.randint(2, 4)) for g in GROUPS},
        "channels": {
            c: [FULL] if i < 4 else [READONLY] if i < 8 else rng.sample(names, 2)
            for i, c in enumerate(CHANNELS)
        },
        "default_channel_guardrail": [READONLY],
    }
    asks = []
    for _ in range(count):
        user = rng.choice(USERS)
        asks.append(
            Ask(
                user,
                membership[user],
                rng.choice(CHANNELS + UNLISTED),
                rng.choice(ACTIONS),
                rng.choice(APPS),
                rng.choice(ROOMS),
                rng.random() < 0.2,
                rng.randint(T0, T1),
            )
        )
    return policies, attach, asks


# --- ours -------------------------------------------------------------------------------


def cam_condition(condition: tuple[str, Any]) -> dict[str, Any]:
    kind, value = condition
    if kind == "rooms":
        return {"string_equal": {"trtc:room_id": list(value)}}
    if kind == "vip":
        return {"string_like": {"trtc:room_id": value}}
    if kind == "approved":
        return {"bool_equal": {"chatops:approved": "true"}}
    if kind == "unapproved":
        return {"bool_equal": {"chatops:approved": "false"}}
    if kind == "before":
        moment = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"date_less_than": {"qcs:current_time": moment}}
    return {"for_any_value:string_equal": {"slack:usergroup": list(value)}}


def ours(policies: dict[str, list[Rule]], attach: dict[str, Any]) -> PolicySet:
    documents = {}
    for name, rules in policies.items():
        statements = []
        for rule in rules:
            statement: dict[str, Any] = {
                "effect": "deny" if rule.deny else "allow",
                "action": list(rule.actions),
                "resource": list(rule.resources),
            }
            if rule.condition is not None:
                statement["condition"] = cam_condition(rule.condition)
            statements.append(statement)
        documents[name] = {"version": "2.0", "statement": statements}
    data = {"account_uin": ACCOUNT, "policies": documents, "attach": attach}
    return CompiledPolicySet(parse_policy_file(data, file="<bench>"))


def our_request(ask: Ask) -> AuthzRequest:
    moment = datetime.fromtimestamp(ask.now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return AuthzRequest(
        ask.user,
        ask.groups,
        ask.channel,
        ask.action,
        resource(ask.app),
        {
            "trtc:room_id": ask.room,
            "chatops:approved": "true" if ask.approved else "false",
            "qcs:current_time": moment,
        },
    )


# --- pycasbin -----------------------------------------------------------------------------

CASBIN_MODEL = """
[request_definition]
r = sub, obj, act, ctx

[policy_definition]
p = sub, obj, act, cond, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && MATCHER
"""
# pycasbin's ABAC form: regexMatch() and eval() of a Python expression per row.
EVAL_MATCHER = "regexMatch(r.obj, p.obj) && regexMatch(r.act, p.act) && eval(p.cond)"
# The same rows through registered functions: regexes and conditions compiled once.
FUNCTION_MATCHER = "rx(r.obj, p.obj) && rx(r.act, p.act) && cond(r.ctx, p.cond)"


def glob_regex(patterns: Sequence[str], *, lower: bool) -> str:
    parts = []
    for pattern in patterns:
        text = pattern.removeprefix("name/").lower() if lower else pattern
        parts.append(fnmatch.translate(text).removeprefix("(?s:").removesuffix(")\\Z"))
    return "^(?:" + "|".join(parts) + ")$"


def casbin_condition(condition: tuple[str, Any] | None) -> str:
    if condition is None:
        return "True"
    kind, value = condition
    if kind == "rooms":
        return f"r.ctx.room_id in {tuple(value)!r}"
    if kind == "vip":
        return 'r.ctx.room_id.startswith("vip-")'
    if kind == "approved":
        return "r.ctx.approved"
    if kind == "unapproved":
        return "not r.ctx.approved"
    if kind == "before":
        return f"r.ctx.now < {value}"
    return f"not r.ctx.groups.isdisjoint({tuple(value)!r})"


def casbin_predicate(condition: tuple[str, Any] | None) -> Callable[[CasbinContext], bool]:
    if condition is None:
        return lambda ctx: True
    kind, value = condition
    if kind == "rooms":
        rooms = frozenset(value)
        return lambda ctx: ctx.room_id in rooms
    if kind == "vip":
        return lambda ctx: ctx.room_id.startswith("vip-")
    if kind == "approved":
        return lambda ctx: ctx.approved
    if kind == "unapproved":
        return lambda ctx: not ctx.approved
    if kind == "before":
        return lambda ctx: ctx.now < value
    groups = frozenset(value)
    return lambda ctx: not ctx.groups.isdisjoint(groups)


class CasbinContext:
    __slots__ = ("approved", "groups", "now", "room_id")

    def __init__(self, ask: Ask) -> None:
        self.room_id = ask.room
        self.approved = ask.approved
        self.now = ask.now
        self.groups = ask.groups


def casbin_enforcer(
    policies: dict[str, list[Rule]], attach: dict[str, Any], asks: Sequence[Ask], *, functions: bool
) -> Any:
    model = Model()
    matcher = FUNCTION_MATCHER if functions else EVAL_MATCHER
    model.load_model_from_text(CASBIN_MODEL.replace("MATCHER", matcher))
    enforcer = casbin.Enforcer(model)
    regexes: dict[str, re.Pattern[str]] = {}
    predicates: dict[str, Callable[[CasbinContext], bool]] = {}
    rows = []
    for name, rules in policies.items():
        for index, rule in enumerate(rules):
            obj = glob_regex(rule.resources, lower=False)
            act = glob_regex(rule.actions, lower=True)
            regexes[obj] = re.compile(obj)
            regexes[act] = re.compile(act)
            if functions:
                cond = f"{name}.{index}"
                predicates[cond] = casbin_predicate(rule.condition)
            else:
                cond = casbin_condition(rule.condition)
            rows.append([f"policy:{name}", obj, act, cond, "deny" if rule.deny else "allow"])
    for preset, actions in PRESET_ACTIONS.items():
        act = glob_regex(actions, lower=True)
        regexes[act] = re.compile(act)
        regexes["^.*$"] = re.compile("^.*$")
        predicates[preset] = casbin_predicate(None)
        rows.append([f"policy:{preset}", "^.*$", act, preset if functions else "True", "allow"])
    enforcer.add_policies(rows)
    enforcer.add_function("rx", lambda text, pattern: regexes[pattern].match(text) is not None)
    enforcer.add_function("cond", lambda ctx, cond: predicates[cond](ctx))
    links = []
    for user, names in attach["users"].items():
        links += [[f"user:{user}", f"policy:{n}"] for n in names]
    for group, names in attach["usergroups"].items():
        links += [[f"group:{group}", f"policy:{n}"] for n in names]
    for channel in CHANNELS + UNLISTED:
        names = attach["channels"].get(channel, attach["default_channel_guardrail"])
        links += [[f"channel:{channel}", f"policy:{n}"] for n in names]
    members = sorted({(a.user, g) for a in asks for g in a.groups})
    links += [[f"user:{u}", f"group:{g}"] for u, g in members]
    enforcer.add_grouping_policies(links)
    return enforcer


# --- cedarpy ------------------------------------------------------------------------------


def cedar_actions(patterns: Sequence[str]) -> list[str]:
    wanted = [p.removeprefix("name/").lower() for p in patterns]
    return [a.lower() for a in ACTIONS if any(fnmatch.fnmatchcase(a.lower(), w) for w in wanted)]


def cedar_condition(condition: tuple[str, Any] | None) -> str | None:
    if condition is None:
        return None
    kind, value = condition
    if kind == "rooms":
        return f"{json.dumps(list(value))}.contains(context.room_id)"
    if kind == "vip":
        return 'context.room_id like "vip-*"'
    if kind == "approved":
        return "context.approved == true"
    if kind == "unapproved":
        return "context.approved == false"
    if kind == "before":
        return f"context.now < {value}"
    return f"context.groups.containsAny({json.dumps(list(value))})"


def cedar_policy(name: str, index: int, rule: Rule) -> str | None:
    actions = cedar_actions(rule.actions)
    if not actions:
        return None  # e.g. only chatops actions no request asks for
    action_list = ", ".join(f'Action::"{a}"' for a in actions)
    when = []
    if "*" not in rule.resources:
        alternatives = [f'resource.qcs like "{r}"' for r in rule.resources]
        when.append("(" + " || ".join(alternatives) + ")")
    condition = cedar_condition(rule.condition)
    if condition is not None:
        when.append(condition)
    effect = "forbid" if rule.deny else "permit"
    body = f'{effect}(principal in Policy::"{name}", action in [{action_list}], resource)'
    clause = f" when {{ {' && '.join(when)} }}" if when else ""
    return f'@id("{name}.{index}")\n{body}{clause};'


def cedar_text(policies: dict[str, list[Rule]]) -> str:
    texts = []
    for name, rules in policies.items():
        for index, rule in enumerate(rules):
            text = cedar_policy(name, index, rule)
            if text is not None:
                texts.append(text)
    for preset, actions in PRESET_ACTIONS.items():
        texts.append(cedar_policy(preset, 0, Rule(False, tuple(actions), ("*",), None)) or "")
    return "\n".join(texts)


def identity_names(attach: dict[str, Any], ask: Ask) -> frozenset[str]:
    names = set(attach["users"].get(ask.user, []))
    for group in ask.groups:
        names.update(attach["usergroups"].get(group, []))
    return frozenset(names)


def guardrail_names(attach: dict[str, Any], channel: str) -> frozenset[str]:
    return frozenset(attach["channels"].get(channel, attach["default_channel_guardrail"]))


def cedar_subset(policies: dict[str, list[Rule]], names: frozenset[str], action: str) -> str:
    """The Cedar text of the named policies' statements that mention `action`."""
    texts = []
    for name in sorted(names):
        if name in PRESET_ACTIONS:
            rules = [Rule(False, tuple(PRESET_ACTIONS[name]), ("*",), None)]
        else:
            rules = policies[name]
        for index, rule in enumerate(rules):
            if action.lower() in cedar_actions(rule.actions):
                texts.append(cedar_policy(name, index, rule) or "")
    return "\n".join(texts)


def cedar_entities(attach: dict[str, Any], asks: Sequence[Ask]) -> list[dict[str, Any]]:
    def uid(kind: str, ident: str) -> dict[str, str]:
        return {"type": kind, "id": ident}

    entities = []
    names = {
        n
        for table in ("users", "usergroups", "channels")
        for v in attach[table].values()
        for n in v
    }
    names |= {FULL, READONLY}
    entities += [{"uid": uid("Policy", n), "attrs": {}, "parents": []} for n in sorted(names)]
    memberships: dict[str, frozenset[str]] = {a.user: a.groups for a in asks}
    for user in USERS:
        parents = [uid("Policy", n) for n in attach["users"].get(user, [])]
        parents += [uid("Group", g) for g in sorted(memberships.get(user, frozenset()))]
        entities.append({"uid": uid("User", user), "attrs": {}, "parents": parents})
    for group in GROUPS:
        parents = [uid("Policy", n) for n in attach["usergroups"].get(group, [])]
        entities.append({"uid": uid("Group", group), "attrs": {}, "parents": parents})
    for channel in CHANNELS + UNLISTED:
        guardrail = attach["channels"].get(channel, attach["default_channel_guardrail"])
        parents = [uid("Policy", n) for n in guardrail]
        entities.append({"uid": uid("Channel", channel), "attrs": {}, "parents": parents})
    for app in APPS:
        entities.append({"uid": uid("App", app), "attrs": {"qcs": resource(app)}, "parents": []})
    return entities


def cedar_requests(ask: Ask) -> list[dict[str, Any]]:
    context = {
        "room_id": ask.room,
        "approved": ask.approved,
        "now": ask.now,
        "groups": sorted(ask.groups),
    }
    common = {"action": f'Action::"{ask.action.lower()}"', "resource": f'App::"{ask.app}"'}
    return [
        {"principal": f'User::"{ask.user}"', **common, "context": context},
        {"principal": f'Channel::"{ask.channel}"', **common, "context": context},
    ]


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    latencies_ns: list[int]
    per_second: float
    allowed: list[bool]


def timed(name: str, calls: Sequence[Callable[[], bool]]) -> Row:
    latencies = []
    allowed = []
    clock = time.perf_counter_ns
    for call in calls:
        start = clock()
        verdict = call()
        latencies.append(clock() - start)
        allowed.append(verdict)
    return Row(name, latencies, len(calls) / (sum(latencies) / 1e9), allowed)


def show(rows: Sequence[Row], baseline: Row) -> None:
    base = statistics.median(baseline.latencies_ns)
    columns = ("decisions", "median µs", "p99 µs", "decisions/s", "allow %", "× ours")
    widths = (9, 10, 10, 12, 8, 8)
    print(f"{'engine':34} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        ordered = sorted(row.latencies_ns)
        median = statistics.median(ordered)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        allow = 100 * sum(row.allowed) / len(row.allowed)
        print(
            f"{row.name:34} {len(ordered):>9,} {median / 1000:>10.1f} {p99 / 1000:>10.1f} "
            f"{row.per_second:>12,.0f} {allow:>8.1f} {median / base:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--casbin-requests", type=int, default=1_000)
    parser.add_argument("--casbin-eval-requests", type=int, default=100)
    parser.add_argument("--cedar-requests", type=int, default=3_000)
    parser.add_argument("--cedar-text-requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    policies, attach, asks = build(args.seed, args.requests)
    started = time.perf_counter()
    engine = ours(policies, attach)
    compile_ms = (time.perf_counter() - started) * 1000
    statements = sum(len(r) for r in policies.values())
    print(
        f"workload: {statements:,} statements in {len(policies)} policies (+2 presets), "
        f"{len(USERS)} users, {len(GROUPS)} usergroups, {len(CHANNELS)} channels "
        f"(+{len(UNLISTED)} on the default guardrail); seed {args.seed}; "
        f"our compile {compile_ms:.0f} ms"
    )
    requests = [our_request(a) for a in asks]

    def our_call(request: AuthzRequest) -> Callable[[], bool]:
        return lambda: engine.evaluate(request).effect is Effect.ALLOW

    first = timed("trtc-chatops (first pass, cold)", [our_call(r) for r in requests])
    second = timed("trtc-chatops (second pass)", [our_call(r) for r in requests])
    evaluate = engine.evaluate
    started = time.perf_counter()
    for request in requests:
        evaluate(request)
    untimed = len(requests) / (time.perf_counter() - started)
    first.per_second = second.per_second = untimed
    effects = [engine.evaluate(r).effect for r in requests]
    needs = sum(e is Effect.NEEDS_APPROVAL for e in effects)

    def casbin_call(enforcer: Any, ask: Ask) -> Callable[[], bool]:
        ctx = CasbinContext(ask)
        obj, act = resource(ask.app), ask.action.lower()
        return lambda: bool(
            enforcer.enforce(f"user:{ask.user}", obj, act, ctx)
            and enforcer.enforce(f"channel:{ask.channel}", obj, act, ctx)
        )

    casbin_rows = []
    for functions, count, label in (
        (True, args.casbin_requests, "functions"),
        (False, args.casbin_eval_requests, "eval"),
    ):
        enforcer = casbin_enforcer(policies, attach, asks, functions=functions)
        casbin_rows.append(
            timed(
                f"pycasbin {version('casbin')} ({label})",
                [casbin_call(enforcer, a) for a in asks[:count]],
            )
        )

    text = cedar_text(policies)
    entities_json = json.dumps(cedar_entities(attach, asks))
    policy_set = cedarpy.PolicySet.from_str(text)
    entities = cedarpy.Entities.from_json_str(entities_json)

    def cedar_call(ask: Ask, pols: Any, ents: Any) -> Callable[[], bool]:
        batch = cedar_requests(ask)
        return lambda: all(r.allowed for r in cedarpy.is_authorized_batch(batch, pols, ents))

    cedar_row = timed(
        f"cedarpy {version('cedarpy')} (pre-parsed)",
        [cedar_call(a, policy_set, entities) for a in asks[: args.cedar_requests]],
    )
    cedar_text_row = timed(
        f"cedarpy {version('cedarpy')} (text per call)",
        [cedar_call(a, text, entities_json) for a in asks[: args.cedar_text_requests]],
    )
    subsets: dict[tuple[frozenset[str], str], Any] = {}

    def relevant(names: frozenset[str], action: str) -> Any:
        """A pre-parsed PolicySet of just these policies' statements for this action."""
        key = (names, action)
        if key not in subsets:
            subsets[key] = cedarpy.PolicySet.from_str(cedar_subset(policies, names, action))
        return subsets[key]

    def cedar_relevant_call(ask: Ask) -> Callable[[], bool]:
        identity_req, guardrail_req = cedar_requests(ask)
        identity = relevant(identity_names(attach, ask), ask.action)
        guardrail = relevant(guardrail_names(attach, ask.channel), ask.action)
        return lambda: (
            cedarpy.is_authorized(identity_req, identity, entities).allowed
            and cedarpy.is_authorized(guardrail_req, guardrail, entities).allowed
        )

    cedar_relevant_row = timed(
        f"cedarpy {version('cedarpy')} (relevant only)",
        [cedar_relevant_call(a) for a in asks[: args.cedar_requests]],
    )

    print(
        f"requests: {len(requests):,} for ours ({needs:,} needs_approval); baselines on the "
        "first requests of the same stream"
    )
    baselines = [*casbin_rows, cedar_row, cedar_relevant_row, cedar_text_row]
    show([first, second, *baselines], first)
    ours_allowed = [e is Effect.ALLOW for e in effects]
    for row in baselines:
        agree = sum(a == b for a, b in zip(row.allowed, ours_allowed, strict=False))
        print(f"agreement with ours: {row.name}: {agree:,}/{len(row.allowed):,}")


if __name__ == "__main__":
    main()
