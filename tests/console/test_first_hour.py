"""A newcomer's first hour in the console (issue 19's defects, one test each), and
times shown in this machine's zone, labelled (issue 22)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def console(script: str, tmp_path: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "SLACK_"))}
    for name in ("DATABASE_URL", "TRTC_CHATOPS_POLICY_FILE", "PORT"):
        clean.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_times_are_local_and_labelled(tmp_path: Path) -> None:
    out = console("mute 1234 bob --for 10m\n1\nas lead\naudit\nquit\n", tmp_path, TZ="Asia/Tokyo")
    assert re.search(r"Muted bob in room 1400000001/1234 until \d\d:\d\d JST", out), out
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d JST", out.split("> audit", 1)[1]), out
