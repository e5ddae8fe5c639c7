"""Files that come with a reply (a PNG chart), written where a terminal user can open them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.reply import Reply

# Only the base name is used, made of safe characters: a filename in a reply
# can never point outside the folder.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def save_attachments(reply: Reply, folder: Path) -> list[Path]:
    """Write ``reply.files`` into ``folder`` (created if needed); returns the paths written.

    A name already taken gets ``-2``, ``-3``… so a second chart never overwrites the first.
    """
    if not reply.files:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for attachment in reply.files:
        name = _UNSAFE.sub("_", Path(attachment.filename).name).lstrip(".") or "attachment"
        path = folder / name
        stem, suffix = path.stem, path.suffix
        counter = 2
        while path.exists():
            path = folder / f"{stem}-{counter}{suffix}"
            counter += 1
        path.write_bytes(attachment.content)
        written.append(path)
    return written
