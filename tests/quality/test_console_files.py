"""The console writes a reply's PNG to a file instead of uploading it."""

from __future__ import annotations

from pathlib import Path

from bot.console.files import save_attachments
from bot.core.reply import Attachment, Reply


def test_attachments_are_written_and_never_overwritten(tmp_path: Path) -> None:
    """Each file lands in the folder under its own base name; a clash gets -2."""
    png = Attachment("quality-1234-20260101-1400.png", b"\x89PNG\r\n\x1a\n...", "chart")
    reply = Reply("Room 1234", files=(png,))
    (first,) = save_attachments(reply, tmp_path / "charts")
    (second,) = save_attachments(reply, tmp_path / "charts")
    assert first == tmp_path / "charts" / "quality-1234-20260101-1400.png"
    assert second == tmp_path / "charts" / "quality-1234-20260101-1400-2.png"
    assert first.read_bytes() == second.read_bytes() == png.content
    assert save_attachments(Reply("nothing"), tmp_path) == []


def test_a_filename_cannot_leave_the_folder(tmp_path: Path) -> None:
    """Path parts and odd characters in a name are dropped before writing."""
    sneaky = Attachment("../../etc/pass wd.png", b"x", "sneaky")
    (path,) = save_attachments(Reply("r", files=(sneaky,)), tmp_path)
    assert path == tmp_path / "pass_wd.png"
