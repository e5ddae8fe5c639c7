"""The console, run as a newcomer would: `usage` and `idle` on the embedded simulator."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.trtc.usage import beijing_date
from tests.support.cli import run_console

pytestmark = pytest.mark.slow


def test_usage_and_idle_in_the_console(tmp_path: Path) -> None:
    """`usage --days 7` prints the table, the verdict naming the spike day and a PNG path;
    `idle` lists rooms with Dismiss buttons, and pressing one asks before anything happens."""
    out = run_console("usage --days 7\nidle\n1\nquit\n", tmp_path)
    spike = beijing_date(time.time()) - timedelta(days=2)
    assert "HD minutes up" in out and f"{spike:%A} {spike.isoformat()}" in out
    assert "room 4242 accounts for" in out
    png = re.search(r"file: (\S+\.png)", out)
    assert png is not None and Path(png.group(1)).read_bytes().startswith(b"\x89PNG")
    assert "TRTC_CHATOPS_PRICES" in out
    idle = out.split("oncall@C0INCIDENT> idle", 1)[1]
    assert "[1] Dismiss" in idle
    assert "Approval needed" in idle or "Confirm:" in idle
    assert "Dismissed room" not in idle
