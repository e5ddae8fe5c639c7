"""`trtc-chatops` run as a separate process, as a person would type it (``slow`` tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Settings of this shell that would point the process elsewhere than its defaults.
_OWN = ("DATABASE_URL", "TRTC_CHATOPS_POLICY_FILE", "TRTC_ENDPOINT", "PORT", "TRTC_CHATOPS_APPS")


def run_cli(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot.cli *args`` in ``cwd`` (no .env from the checkout), without this
    shell's Slack, Tencent Cloud or bot settings; ``env`` is added to what is left."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TENCENTCLOUD_", "SLACK_")) and k not in _OWN
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
        cwd=cwd,
        check=False,
    )


def run_console(script: str, cwd: Path, *args: str, **env: str) -> str:
    """What `trtc-chatops console *args` prints for ``script`` typed in; it must exit 0."""
    done = run_cli("console", *args, cwd=cwd, stdin=script, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout
