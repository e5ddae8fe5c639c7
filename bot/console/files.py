"""Files that come with a reply (a PNG chart), written where only this user can read them.

The folder is ``TRTC_CHATOPS_CHART_DIR`` if set, else private to the user:
``$XDG_RUNTIME_DIR/trtc-chatops`` or ``<tmp>/trtc-chatops-<uid>``, created 0700; files
older than a day are removed from it at start and every hour (``sweep``). In a shared
/tmp another user could have made that path first (a symlink to somewhere we would
then write, or a folder they can read or swap files in), so it is refused unless it is
a real directory we own that nobody else can write; files are created with
``O_NOFOLLOW | O_CREAT | O_EXCL``, never through a link, never over a file.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

from bot.core.reply import Reply

# Only the base name is used, made of safe characters: a filename in a reply
# can never point outside the folder.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
KEEP_S = 86400  # a chart is for the incident at hand; a day later it is swept
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafeFolder(OSError):
    """The folder for files is not private to this user; the message says why."""


def private_folder() -> Path:
    """Where this user's files go (not created yet)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return Path(runtime) / "trtc-chatops"
    return Path(tempfile.gettempdir()) / f"trtc-chatops-{os.getuid()}"


def sweep(folder: Path, *, older_than: float = KEEP_S, now: float | None = None) -> int:
    """Remove the files in ``folder`` last changed more than ``older_than`` seconds ago;
    how many. Only regular files directly in it, never through a link; a folder that is
    missing or not private to this user is left alone."""
    if not folder.is_dir():
        return 0
    try:
        folder_fd = _open_private(folder)
    except UnsafeFolder:
        return 0
    cutoff = (time.time() if now is None else now) - older_than
    removed = 0
    try:
        for name in os.listdir(folder_fd):
            info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(name, dir_fd=folder_fd)
                removed += 1
    finally:
        os.close(folder_fd)
    return removed


def save_attachments(reply: Reply, folder: Path) -> list[Path]:
    """Write ``reply.files`` into ``folder`` (created if needed); returns the paths written.

    A name already taken gets ``-2``, ``-3``… so a second chart never overwrites the first.
    Raises ``UnsafeFolder`` if ``folder`` is not a private directory of this user.
    """
    if not reply.files:
        return []
    folder_fd = _open_private(folder)
    try:
        written: list[Path] = []
        for attachment in reply.files:
            name = _UNSAFE.sub("_", Path(attachment.filename).name).lstrip(".") or "attachment"
            written.append(folder / _write_new(folder_fd, name, attachment.content))
        return written
    finally:
        os.close(folder_fd)


def _open_private(folder: Path) -> int:
    """The folder, opened without following a link, after checking it is ours alone."""
    try:
        os.mkdir(folder, 0o700)  # never follows a symlink already at the path
    except FileExistsError:
        pass
    except OSError as error:
        raise UnsafeFolder(f"cannot create {folder}: {error.strerror or error}") from None
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        if os.path.islink(folder):
            raise UnsafeFolder(f"{folder} is a symlink; refusing to write files there") from None
        raise UnsafeFolder(f"{folder} is not a usable folder: {error.strerror or error}") from None
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISDIR(info.st_mode):
        problem = "is not a directory"
    elif info.st_uid != os.getuid():
        problem = f"belongs to another user (uid {info.st_uid})"
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problem = f"can be written by others (mode {stat.S_IMODE(info.st_mode):o})"
    if problem is not None:
        os.close(fd)
        raise UnsafeFolder(f"{folder} {problem}; refusing to write files there")
    return fd


def _write_new(folder_fd: int, name: str, content: bytes) -> str:
    """Create a file that did not exist (``name``, ``name-2``…) and write it; its name."""
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    candidate, counter = name, 2
    while True:
        try:
            fd = os.open(candidate, _CREATE, 0o600, dir_fd=folder_fd)
        except FileExistsError:
            candidate = f"{stem}-{counter}{dot}{suffix}"
            counter += 1
            continue
        with open(fd, "wb") as file:
            file.write(content)
        return candidate
