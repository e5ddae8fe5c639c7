"""The table-driven cases of tests/authz/fixtures, read into pytest parameters."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.authz import AuthzRequest, PolicySet
from bot.authz.engine import PolicySet as _PolicySet
from bot.authz.policyfile import parse_policy_file

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> Any:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


@functools.cache
def _scenarios(name: str) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in read(name)["scenarios"]}


@functools.cache
def policy_set(name: str, scenario: str) -> PolicySet:
    data = _scenarios(name)[scenario]["policy_file"]
    return _PolicySet(parse_policy_file(data, file=name))


def scenario_params(kind: str) -> list[Any]:
    """One parameter per case of every evaluate_*.yaml and vectors.yaml scenario.

    `kind` is "cases" (a request and its decision) or "approvals".
    """
    params = []
    names = [*sorted(p.name for p in FIXTURES.glob("evaluate_*.yaml")), "vectors.yaml"]
    for name in names:
        for scenario in _scenarios(name).values():
            for case in scenario.get(kind, []):
                params.append(
                    pytest.param(
                        name,
                        scenario["name"],
                        scenario.get("defaults", {}),
                        case,
                        id=f"{name.removesuffix('.yaml')}:{scenario['name']}:{case['name']}",
                    )
                )
    return params


def build_request(
    policies: PolicySet, defaults: Mapping[str, Any], spec: Mapping[str, Any]
) -> AuthzRequest:
    merged = {**defaults, **spec}
    resource = merged.get("resource") or policies.resource_for(merged["app"])
    return AuthzRequest(
        user_id=merged["user"],
        usergroups=frozenset(merged.get("groups", ())),
        channel_id=merged["channel"],
        action=merged["action"],
        resource=resource,
        context=dict(merged.get("context", {})),
    )
