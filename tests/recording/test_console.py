"""The console, as a newcomer runs it: record, confirm, list, stop on the embedded simulator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.cli import run_console

pytestmark = pytest.mark.slow


def test_console_records_lists_and_stops(tmp_path: Path) -> None:
    """as lead: record 1234 --for 1m, confirm; recordings shows it with its TaskId and
    TRTC's InProgress; record stop stops it."""
    script = (
        "as lead\nrecord 1234 --for 1m --reason evidence\n1\nrecordings\nrecord stop 1234\nquit\n"
    )
    out = run_console(script, tmp_path)
    assert "Confirm: record room 1400000001/1234 for 1m?" in out
    assert "Privacy: Everyone in the room is recorded" in out
    assert "TaskId" in out
    # TRTC's own status of the task, however far the robot has got (the cell may wrap).
    assert "(TRTC:" in out and re.search(r"\b(Idle|InProgress)\)", out), out
    assert "Stopped recording room 1400000001/1234" in out
