"""Charts the console writes go to a folder private to the user, never through a link."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from bot.console.repl import Console
from bot.core.reply import Attachment, Reply

CHART = Attachment("quality-1234.png", b"\x89PNG\r\n\x1a\nchart", "chart")
REPLY = Reply("Room 1234", files=(CHART,))


def test_the_default_folder_is_per_user(
    console: tuple[Console, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without $XDG_RUNTIME_DIR the folder is <tmp>/trtc-chatops-<uid>, created 0700."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shell, lines = console
    fresh = Console(shell.core, shell.identity, shell.channel, write=lines.append)
    assert fresh.files == tmp_path / f"trtc-chatops-{os.getuid()}"
    fresh.show(REPLY)
    written = fresh.files / CHART.filename
    assert lines[-1] == f"  file: {written}"
    assert written.read_bytes() == CHART.content
    assert stat.S_IMODE(fresh.files.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_xdg_runtime_dir_is_used_when_set(
    console: tuple[Console, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    shell, _ = console
    assert Console(shell.core, shell.identity, shell.channel).files == tmp_path / "trtc-chatops"


def test_a_symlink_at_the_folder_is_refused(
    console: tuple[Console, list[str]], tmp_path: Path
) -> None:
    """Someone else planted the folder name as a link to their directory: nothing written."""
    shell, lines = console
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    shell.files = tmp_path / "charts"
    shell.files.symlink_to(elsewhere)
    shell.show(REPLY)
    assert lines[-1].startswith("  files not saved: ")
    assert "is a symlink" in lines[-1]
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    ("case", "mode", "owner", "reason"),
    [
        ("world writable", 0o777, None, "can be written by others"),
        ("group writable", 0o770, None, "can be written by others"),
        ("another user's", 0o700, 65534, "belongs to another user"),
    ],
)
def test_a_folder_others_control_is_refused(
    console: tuple[Console, list[str]],
    tmp_path: Path,
    case: str,
    mode: int,
    owner: int | None,
    reason: str,
) -> None:
    shell, lines = console
    shell.files = tmp_path / "charts"
    shell.files.mkdir()
    shell.files.chmod(mode)
    if owner is not None:
        if os.getuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        os.chown(shell.files, owner, -1)
    shell.show(REPLY)
    assert lines[-1].startswith("  files not saved: "), case
    assert reason in lines[-1], case
    assert list(shell.files.iterdir()) == [], case


def test_a_symlink_at_a_file_name_is_not_followed(
    console: tuple[Console, list[str]], tmp_path: Path
) -> None:
    """A link planted where the chart would go (dangling, so the name looks free) is left
    alone: nothing is created at its target; the chart gets the next name."""
    shell, lines = console
    shell.files = tmp_path / "charts"
    shell.files.mkdir(mode=0o700)
    target = tmp_path / "victim"
    (shell.files / CHART.filename).symlink_to(target)
    shell.show(REPLY)
    assert lines[-1] == f"  file: {shell.files / 'quality-1234-2.png'}"
    assert not target.exists()
    assert (shell.files / "quality-1234-2.png").read_bytes() == CHART.content
