"""The stable CLI as a newcomer and scripts use it: real processes, no credentials."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.support.cli import run_cli as cli

pytestmark = pytest.mark.slow


def test_default_run_is_the_console_on_the_simulator(tmp_path: Path) -> None:
    """`trtc-chatops` with nothing configured starts the console and says SIMULATOR."""
    done = cli(cwd=tmp_path, stdin="users 1234\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "TRTC is simulator" in done.stdout
    assert "TRTC: SIMULATOR" in done.stdout
    assert "[SIMULATOR]" in done.stdout and "alice" in done.stdout


def test_call_prints_the_json_response(tmp_path: Path) -> None:
    """`call ACTION JSON` makes one signed call and prints the Response."""
    now = int(time.time())
    params = json.dumps({"SdkAppId": 1400000001, "StartTime": now - 3600, "EndTime": now})
    done = cli("call", "DescribeRoomInfo", params, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)["Response"]
    assert response["RequestId"] and response["RoomList"]
    assert "[SIMULATOR]" in done.stderr


def test_call_api_error_shows_code_message_request_id(tmp_path: Path) -> None:
    """A TRTC error exits 1 and shows Code, Message and RequestId."""
    done = cli("call", "DismissRoom", '{"SdkAppId": 1400000001, "RoomId": 424242}', cwd=tmp_path)
    assert done.returncode == 1
    assert "Code: FailedOperation.RoomNotExist" in done.stderr
    assert "Message: " in done.stderr and "RequestId: " in done.stderr


def test_call_bad_input_exits_2(tmp_path: Path) -> None:
    """Malformed JSON or a non-object is refused before anything is sent."""
    assert cli("call", "DescribeRoomInfo", "{nope", cwd=tmp_path).returncode == 2
    refused = cli("call", "DescribeRoomInfo", "[1]", cwd=tmp_path)
    assert refused.returncode == 2 and "JSON object" in refused.stderr
    assert cli("call", "Bad Action", "{}", cwd=tmp_path).returncode == 2


def test_simulator_refuses_an_error_rate_outside_0_to_1(tmp_path: Path) -> None:
    """`simulator --error-rate` outside [0, 1] (or not a number) is a usage error, exit 2."""
    for bad in ("1.5", "-0.1", "nan", "five"):
        refused = cli("simulator", "--error-rate", bad, cwd=tmp_path)
        assert refused.returncode == 2, (bad, refused.stderr)
        assert "argument --error-rate" in refused.stderr
    assert "between 0 and 1" in cli("simulator", "--error-rate", "1.5", cwd=tmp_path).stderr
