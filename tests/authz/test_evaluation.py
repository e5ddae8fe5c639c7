"""Decisions for the table-driven scenarios in fixtures/evaluate_*.yaml and vectors.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from tests.authz.casefile import build_request, policy_set, scenario_params


@pytest.mark.parametrize(("fixture", "scenario", "defaults", "case"), scenario_params("cases"))
def test_decision(
    fixture: str, scenario: str, defaults: dict[str, Any], case: dict[str, Any]
) -> None:
    """Each fixture request gets exactly the decision, reason, policy and statement listed."""
    policies = policy_set(fixture, scenario)
    decision = policies.evaluate(build_request(policies, defaults, case["request"]))
    assert decision.as_dict() == case["expect"]


@pytest.mark.parametrize(("fixture", "scenario", "defaults", "case"), scenario_params("approvals"))
def test_approval(
    fixture: str, scenario: str, defaults: dict[str, Any], case: dict[str, Any]
) -> None:
    """Each fixture approver gets exactly the approval decision listed for the pending request."""
    policies = policy_set(fixture, scenario)
    pending = build_request(policies, defaults, case["pending"])
    approver = case["approver"]
    approval = policies.approval_request(
        pending,
        user_id=approver["user"],
        usergroups=approver.get("groups", ()),
        channel_id=approver["channel"],
        context=approver.get("context", {}),
    )
    decision = policies.can_approve(approval, pending.user_id)
    assert decision.as_dict() == case["expect"]
