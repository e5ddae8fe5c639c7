"""Reading policy files from disk: formats, duplicate keys, and errors that name the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.authz import AuthzRequest, Effect, PolicyError, load_policy_file, loads
from tests.authz.casefile import FIXTURES

FILES = FIXTURES / "files"
APP = "qcs::trtc::uin/100000000001:sdkappid/1400000001"


def _request(action: str, *, channel: str = "C0INCIDENT", approved: str = "false") -> AuthzRequest:
    return AuthzRequest(
        "U9", frozenset({"S0ONCALL"}), channel, action, APP, {"chatops:approved": approved}
    )


def test_yaml_and_json_files_mean_the_same() -> None:
    """The DESIGN.md example gives the same decisions read as YAML or as JSON."""
    from_yaml = load_policy_file(FILES / "design.yaml")
    from_json = load_policy_file(FILES / "design.json")
    for action in (
        "trtc:RemoveUser",
        "trtc:DismissRoom",
        "trtc:DescribeRoomInfo",
        "chatops:Approve",
    ):
        for channel in ("C0INCIDENT", "C0ELSEWHERE"):
            request = _request(action, channel=channel)
            assert from_yaml.evaluate(request) == from_json.evaluate(request)


def test_design_example_decisions() -> None:
    """On-call kicks in the incident channel, needs approval to dismiss, only reads elsewhere."""
    policies = load_policy_file(FILES / "design.yaml")
    assert policies.evaluate(_request("trtc:RemoveUser")).effect is Effect.ALLOW
    assert policies.evaluate(_request("trtc:DismissRoom")).effect is Effect.NEEDS_APPROVAL
    assert policies.evaluate(_request("trtc:DismissRoom", approved="true")).effect is Effect.ALLOW
    elsewhere = policies.evaluate(_request("trtc:RemoveUser", channel="C0ELSEWHERE"))
    assert elsewhere.reason == "guardrail"


def test_duplicate_json_key_is_refused() -> None:
    """A JSON object with the same key twice is refused rather than keeping the last one."""
    with pytest.raises(PolicyError) as caught:
        load_policy_file(FILES / "duplicate_key.json")
    assert caught.value.file == str(FILES / "duplicate_key.json")
    assert caught.value.field == "effect"
    assert "appears twice" in caught.value.message


def test_duplicate_yaml_key_is_refused() -> None:
    """A YAML mapping with the same key twice is refused, naming the line."""
    text = 'account_uin: "1"\npolicies:\n  p: {version: "2.0", statement: []}\n  p: {}\n'
    with pytest.raises(PolicyError, match=r"key 'p' appears twice in one mapping \(line 4\)"):
        loads(text, file="dup.yaml")


def test_aws_spelling_in_a_file_names_everything(tmp_path: Path) -> None:
    """The message names the file, the policy, the statement and the field, and suggests a fix."""
    with pytest.raises(PolicyError) as caught:
        load_policy_file(FILES / "aws_bool.yaml")
    assert str(caught.value) == (
        f"{FILES / 'aws_bool.yaml'}: policy 'oncall': statement[1]: field 'condition.Bool': "
        "'Bool' is the AWS IAM spelling; did you mean bool_equal?"
    )


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ('{"account_uin": "1",}', "json", "invalid JSON at line 1 column 21"),
        ("account_uin: [1\n", "yaml", "invalid YAML"),
        ("a: 1\n---\nb: 2\n", "yaml", "invalid YAML"),
        ("", "yaml", "the file is empty"),
        ("[" * 5000, "json", "cannot read the file"),
    ],
)
def test_unreadable_text_is_a_policy_error(text: str, fmt: str, message: str) -> None:
    """Syntax errors become PolicyError with the file named, never a parser exception."""
    with pytest.raises(PolicyError, match=r"^bad: ") as caught:
        loads(text, file="bad", fmt=fmt)  # type: ignore[arg-type]
    assert message in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    """A file that cannot be read is a PolicyError naming it."""
    with pytest.raises(PolicyError, match="cannot read the file"):
        load_policy_file(tmp_path / "absent.yaml")


def test_non_utf8_file(tmp_path: Path) -> None:
    """A file that is not UTF-8 is refused."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"account_uin: \xff\n")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy_file(path)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark, as some editors write, does not break the file."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FILES / "design.json").read_bytes())
    assert load_policy_file(path).account_uin == "100000000001"


def test_json_extension_selects_json(tmp_path: Path) -> None:
    """A .json file is read strictly as JSON (YAML syntax is an error there)."""
    path = tmp_path / "policy.json"
    shutil.copy(FILES / "design.yaml", path)
    with pytest.raises(PolicyError, match="invalid JSON"):
        load_policy_file(path)


def test_a_merge_key_that_hides_a_duplicate_is_refused(tmp_path: Path) -> None:
    """``<<`` bringing in a key the mapping also writes would silently drop one of them."""
    text = (
        'account_uin: "1"\n'
        "base: &deny {effect: deny, action: ['trtc:DismissRoom']}\n"
        "policies:\n"
        "  p:\n"
        '    version: "2.0"\n'
        "    statement:\n"
        "      - <<: *deny\n"
        "        effect: allow\n"
    )
    path = tmp_path / "merge.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    assert caught.value.file == str(path)
    assert "key 'effect' appears twice in one mapping" in caught.value.message
    assert "merge key" in caught.value.message


def test_two_merged_mappings_with_one_key_are_refused() -> None:
    """``<<: [*a, *b]`` keeps the first of a key both carry; refused instead."""
    text = "a: &a {effect: deny}\nb: &b {effect: allow}\nc:\n  <<: [*a, *b]\n"
    with pytest.raises(PolicyError, match=r"key 'effect' appears twice.*merge key"):
        loads(text)


def test_a_merge_key_without_duplicates_still_works() -> None:
    """Merging distinct keys is ordinary YAML and stays accepted by the reader."""
    from bot.authz.loader import decode

    text = "a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n"
    assert decode(text, file="f", fmt="yaml") == {"a": {"x": 1}, "b": {"x": 1, "y": 2}}


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_path_that_is_not_a_regular_file_is_refused_without_blocking(
    tmp_path: Path, kind: str
) -> None:
    """A FIFO at the policy path would block the reader forever: refused at once, named."""
    import os
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as Hung

    path = tmp_path / "policies.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with ThreadPoolExecutor(1) as pool:
        loading = pool.submit(load_policy_file, path)
        try:
            error = loading.exception(timeout=5)
        except Hung:
            os.close(os.open(path, os.O_WRONLY))  # a writer comes and goes: the reader gets EOF
            pytest.fail("reading the policy path blocked")
    assert isinstance(error, PolicyError)
    assert error.file == str(path)
    assert "not a regular file" in error.message
