"""Start-up as a process (issue 19, items 17 and 20): `--version`, `help`, one line about
the database instead of Alembic's steps, and charts in one folder, swept after a day."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from bot.store import migrate
from tests.support.cli import run_cli

pytestmark = pytest.mark.slow


def cli(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=tmp_path, stdin=stdin, **env)


def test_version_and_help(tmp_path: Path) -> None:
    version = cli(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("trtc-chatops "), version
    helped = cli(tmp_path, "help")
    assert helped.returncode == 0, helped.stderr
    assert "usage: trtc-chatops" in helped.stdout and "console" in helped.stdout
    one = cli(tmp_path, "help", "console")
    assert one.returncode == 0 and "usage: trtc-chatops console" in one.stdout, one


def test_a_persona_typo_at_start_is_refused(tmp_path: Path) -> None:
    done = cli(tmp_path, "console", "--as", "laed")
    assert done.returncode == 2
    assert "no persona laed: did you mean lead?" in done.stderr


def test_a_normal_start_says_the_database_is_up_to_date_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    first = cli(tmp_path, stdin="quit\n", DATABASE_URL=url)
    again = cli(tmp_path, stdin="quit\n", DATABASE_URL=url)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    for done in (first, again):
        assert "alembic" not in done.stderr, done.stderr
        assert "Running upgrade" not in done.stderr and "Context impl" not in done.stderr
    assert first.stderr.count(f"database migrated to {migrate.head()} from empty") == 1
    assert again.stderr.count(f"database up to date at {migrate.head()}") == 1, again.stderr


def test_charts_go_to_the_chart_dir_and_old_ones_are_swept(tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    charts.mkdir(mode=0o700)
    old = charts / "quality-yesterday.png"
    old.write_bytes(b"old chart")
    two_days = time.time() - 2 * 86400
    os.utime(old, (two_days, two_days))
    done = cli(
        tmp_path,
        "console",
        stdin="quality 1234 --since 30m\n",
        TRTC_CHATOPS_CHART_DIR=str(charts),
    )
    assert done.returncode == 0, done.stderr
    assert f"  file: {charts}/quality-" in done.stdout, done.stdout
    assert not old.exists()
    assert [p.suffix for p in charts.iterdir()] == [".png"]
