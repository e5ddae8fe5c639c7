"""`trtc-chatops policy check|simulate`: the exit codes and JSON other tools script against."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.cli import main
from tests.authz.casefile import FIXTURES

DESIGN = str(FIXTURES / "files" / "design.yaml")
APP = "qcs::trtc::uin/100000000001:sdkappid/1400000001"


def _simulate(
    *extra: str, groups: tuple[str, ...] = ("S0ONCALL",), channel: str = "C0INCIDENT"
) -> list[str]:
    argv = ["policy", "simulate", DESIGN, "--user", "U9", "--channel", channel, "--resource", APP]
    for group in groups:
        argv += ["--group", group]
    return argv + list(extra)


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_check_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A valid file exits 0 and says so."""
    assert main(["policy", "check", DESIGN]) == 0
    out = capsys.readouterr()
    assert "valid (2 policies, 3 statements" in out.out
    assert out.err == ""


def test_check_valid_json_file() -> None:
    """A JSON policy file is checked as JSON."""
    assert main(["policy", "check", str(FIXTURES / "files" / "design.json")]) == 0


def test_check_invalid_file(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid file exits 2 with the precise error on stderr and nothing on stdout."""
    path = str(FIXTURES / "files" / "aws_bool.yaml")
    assert main(["policy", "check", path]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert f"{path}: policy 'oncall': statement[1]: field 'condition.Bool'" in out.err
    assert "did you mean bool_equal?" in out.err


def test_check_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file is invalid (exit 2)."""
    assert main(["policy", "check", "/nonexistent/policy.yaml"]) == 2
    assert "cannot read the file" in capsys.readouterr().err


def test_check_prints_warnings(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings go to stderr and do not make a valid file invalid."""
    path = tmp_path / "p.yaml"
    path.write_text(
        'account_uin: "1"\n'
        'policies: {p: {version: "2.0", statement: {effect: allow, action: "*", resource: "*"}}}\n'
    )
    assert main(["policy", "check", str(path)]) == 0
    assert "warning: policy 'p' is not attached to anyone" in capsys.readouterr().err


def test_simulate_allow_json(capsys: pytest.CaptureFixture[str]) -> None:
    """An allowed request exits 0 and prints exactly decision, reason, policy, statement."""
    assert main(_simulate("--action", "trtc:RemoveUser", "--json")) == 0
    assert _json(capsys) == {
        "decision": "allow",
        "reason": "allowed",
        "policy": "oncall",
        "statement": 0,
    }


def test_simulate_needs_approval_json(capsys: pytest.CaptureFixture[str]) -> None:
    """needs_approval exits 1, like a deny."""
    argv = _simulate(
        "--action", "name/trtc:DismissRoom", "--context", "chatops:approved=false", "--json"
    )
    assert main(argv) == 1
    assert _json(capsys) == {
        "decision": "needs_approval",
        "reason": "needs_approval",
        "policy": "oncall",
        "statement": 1,
    }


def test_simulate_approved_context(capsys: pytest.CaptureFixture[str]) -> None:
    """--context k=v reaches the conditions."""
    assert (
        main(
            _simulate(
                "--action", "trtc:DismissRoom", "--context", "chatops:approved=true", "--json"
            )
        )
        == 0
    )
    assert _json(capsys)["decision"] == "allow"


def test_simulate_guardrail_deny_json(capsys: pytest.CaptureFixture[str]) -> None:
    """A deny exits 1 and names the guardrail as the reason."""
    assert main(_simulate("--action", "trtc:RemoveUser", "--json", channel="C0RANDOM")) == 1
    assert _json(capsys) == {
        "decision": "deny",
        "reason": "guardrail",
        "policy": None,
        "statement": None,
    }


def test_simulate_implicit_deny_text(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json one human line explains the decision."""
    assert main(_simulate("--action", "trtc:RemoveUser", groups=())) == 1
    assert (
        capsys.readouterr().out == "deny (implicit_deny): no identity policy allows this request\n"
    )


def test_simulate_repeated_context_key_is_multi_valued(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --context key given twice has both values (for for_any_value / for_all_value)."""
    path = tmp_path / "p.yaml"
    path.write_text(
        'account_uin: "1"\n'
        "policies:\n"
        "  p:\n"
        '    version: "2.0"\n'
        "    statement:\n"
        "      effect: allow\n"
        '      action: "trtc:*"\n'
        '      resource: "*"\n'
        "      condition:\n"
        '        for_all_value:string_like: {"trtc:tag": ["a*"]}\n'
        '        null_equal: {"trtc:tag": false}\n'
        "attach: {users: {U1: [p]}}\n"
    )
    base = [
        "policy",
        "simulate",
        str(path),
        "--user",
        "U1",
        "--channel",
        "C",
        "--action",
        "trtc:X",
        "--resource",
        "*",
    ]
    assert main([*base, "--context", "trtc:tag=a1", "--context", "trtc:tag=a2"]) == 0
    assert main([*base, "--context", "trtc:tag=a1", "--context", "trtc:tag=b"]) == 1
    capsys.readouterr()


def test_simulate_invalid_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """simulate on an invalid file exits 2, not 1: no decision was made."""
    argv = [
        "policy",
        "simulate",
        str(FIXTURES / "files" / "duplicate_key.json"),
        "--user",
        "U",
        "--channel",
        "C",
        "--action",
        "trtc:RemoveUser",
        "--resource",
        "*",
        "--json",
    ]
    assert main(argv) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "appears twice" in out.err


@pytest.mark.parametrize(
    "argv",
    [
        ["policy"],
        ["policy", "simulate", DESIGN, "--user", "U", "--channel", "C", "--action", "trtc:X"],
        [
            "policy",
            "simulate",
            DESIGN,
            "--user",
            "U",
            "--channel",
            "C",
            "--action",
            "a",
            "--resource",
            "*",
            "--context",
            "no-equals-sign",
        ],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Missing or malformed arguments are a usage error (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    capsys.readouterr()


def test_check_knows_the_break_glass_action_and_condition_key(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """chatops:Elevate capped by chatops:elevation_seconds is a known action and key; a
    misspelt chatops: action is warned about, naming the real ones."""
    path = tmp_path / "p.yaml"
    path.write_text(
        'account_uin: "1"\n'
        "policies:\n"
        "  p:\n"
        '    version: "2.0"\n'
        "    statement:\n"
        "      - effect: allow\n"
        '        action: ["chatops:Elevate", "chatops:ListElevations"]\n'
        '        resource: "*"\n'
        '        condition: {numeric_less_than_equal: {"chatops:elevation_seconds": "3600"}}\n'
        "      - {effect: allow, action: chatops:Elevation, resource: '*'}\n"
        "attach: {users: {U1: [p]}}\n"
    )
    assert main(["policy", "check", str(path)]) == 0
    err = capsys.readouterr().err
    assert "elevation_seconds" not in err
    # One warning for the misspelt action (bot/authz/actions.py), naming the real one.
    assert "action 'chatops:elevation' matches no known chatops: action" in err
    assert "did you mean chatops:Elevate?" in err
