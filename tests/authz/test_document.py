"""Refusing invalid CAM documents and policy files, naming file, policy, statement and field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.authz import PolicyError, parse_policy_file
from bot.authz.document import MAX_POLICY_CHARS, compact_size
from tests.authz.casefile import read


def _doc_params() -> list[Any]:
    return [
        pytest.param(c["document"], c["error"], id=c["name"])
        for c in read("invalid_documents.yaml")
    ]


def _file_params() -> list[Any]:
    return [pytest.param(c["file"], c["error"], id=c["name"]) for c in read("invalid_files.yaml")]


@pytest.mark.parametrize(("document", "expected"), _doc_params())
def test_invalid_document(document: Any, expected: dict[str, Any]) -> None:
    """An invalid document is refused with its policy, statement index, field and reason."""
    data = {"account_uin": "1", "policies": {"p": document}, "attach": {"users": {"U1": ["p"]}}}
    with pytest.raises(PolicyError) as caught:
        parse_policy_file(data, file="team.yaml")
    error = caught.value
    assert (error.file, error.policy, error.statement, error.field) == (
        "team.yaml",
        "p",
        expected["statement"],
        expected["field"],
    )
    assert expected["message"] in error.message
    assert str(error).startswith("team.yaml: policy 'p'")


@pytest.mark.parametrize(("data", "expected"), _file_params())
def test_invalid_file(data: Any, expected: dict[str, Any]) -> None:
    """An invalid policy file is refused with the file, the field and the reason."""
    with pytest.raises(PolicyError) as caught:
        parse_policy_file(data, file="team.yaml")
    error = caught.value
    assert (error.file, error.policy, error.statement, error.field) == (
        "team.yaml",
        expected["policy"],
        None,
        expected["field"],
    )
    assert expected["message"] in error.message


def _padded(size: int) -> dict[str, Any]:
    """A valid document whose compact JSON is exactly `size` characters long."""
    doc: dict[str, Any] = {
        "version": "2.0",
        "statement": [
            {"effect": "allow", "action": "trtc:*", "resource": "qcs::trtc::uin/1:sdkappid/"}
        ],
    }
    doc["statement"][0]["resource"] += "x" * (size - compact_size(doc))
    assert compact_size(doc) == size
    return doc


def test_size_limit_is_6144_characters() -> None:
    """A policy of 6,144 characters of compact JSON loads; one of 6,145 is refused (vector 20)."""
    parse_policy_file({"account_uin": "1", "policies": {"p": _padded(MAX_POLICY_CHARS)}})
    with pytest.raises(PolicyError) as caught:
        parse_policy_file({"account_uin": "1", "policies": {"p": _padded(MAX_POLICY_CHARS + 1)}})
    assert caught.value.policy == "p"
    assert "6,145 characters" in caught.value.message
    assert "6,144" in caught.value.message


def test_size_ignores_whitespace() -> None:
    """The limit counts compact JSON, so indentation in the file does not count."""
    doc = _padded(MAX_POLICY_CHARS)
    assert len(json.dumps(doc, indent=4)) > MAX_POLICY_CHARS
    parse_policy_file({"account_uin": "1", "policies": {"p": doc}})


def test_warnings_flag_risky_but_valid_policies() -> None:
    """for_all_value in an allow, keys and variables we never set, and unattached policies warn."""
    data = {
        "account_uin": "1",
        "policies": {
            "p": {
                "version": "2.0",
                "statement": [
                    {
                        "effect": "allow",
                        "action": "trtc:*",
                        "resource": "qcs::trtc::uin/1:sdkappid/${app_id}",
                        "condition": {
                            "for_all_value:string_equal": {"slack:usergroup": "S1"},
                            "string_equal": {"chatops:aproved": "true"},
                        },
                    }
                ],
            }
        },
    }
    warnings = "\n".join(parse_policy_file(data).warnings)
    assert "for_all_value:string_equal is true when 'slack:usergroup' is missing" in warnings
    assert "condition key 'chatops:aproved' is never set" in warnings
    assert "variable ${app_id} is never set" in warnings
    assert "policy 'p' is not attached to anyone" in warnings


def test_design_example_has_no_warnings() -> None:
    """The policy file of DESIGN.md is valid and warns about nothing."""
    data = read("files/design.yaml")
    assert parse_policy_file(data).warnings == ()
