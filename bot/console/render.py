"""Replies as terminal text: aligned tables, numbered actions, no control codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from bot.console.personas import PERSONAS
from bot.core.layout import WIDTH, aligned
from bot.core.markup import plain, with_names, with_zone
from bot.core.reply import Action, Reply, Severity, Table

_ICON = {Severity.INFO: "·", Severity.SUCCESS: "✔", Severity.WARNING: "⚠", Severity.ERROR: "✖"}
# Escape sequences and other control characters in user-supplied text could
# repaint the terminal; they are shown as visible escapes instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# People the core names are shown as the persona they are, else by id.
_PEOPLE = {p.user_id: p.name for p in PERSONAS.values()}


def clean(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown(text: str) -> str:
    """Core text for the terminal: people by persona name or id, code in backticks,
    moments in this machine's time zone, labelled."""
    local = datetime.now().astimezone().tzinfo or UTC
    return clean(plain(with_zone(with_names(text, _PEOPLE), local), quote="`"))


def render(reply: Reply, number: Callable[[Action], int]) -> str:
    label = f"[{reply.label}] " if reply.label else ""
    private = " (only you see this)" if reply.private else ""
    out = [f"{_ICON[reply.severity]} {label}{shown(reply.headline)}{private}"]
    out.extend(f"  {shown(k)}: {shown(v)}" for k, v in reply.fields)
    for table in reply.tables:
        out.extend(_table(table))
    out.extend(f"  {shown(line)}" for line in reply.lines)
    if reply.actions:
        out.append("  " + "   ".join(f"[{number(a)}] {a.label}" for a in reply.actions))
    return "\n".join(out)


def _table(table: Table) -> list[str]:
    """Aligned, and at most ``WIDTH`` wide: long cells wrap within their column."""
    rows = [tuple(shown(c) for c in row) for row in table.rows]
    columns = tuple(clean(c) for c in table.columns)
    lines = [f"  {clean(table.title)}"] if table.title else []
    return lines + [f"  {line}" for line in aligned(columns, rows, WIDTH - 2)]
