"""A core ``Reply`` as Block Kit messages, within Slack's limits.

Everything from the reply is ``plain_text`` (escaped, never formatted) or a
code block (escaped, backticks defused); the core's own markup (people, code)
is drawn as mrkdwn by ``spans``, and so are the adapter's own notes. A reply
longer than one message allows (50 blocks, 3,000 characters per text,
``MAX_MESSAGE_TEXT`` in all) is split into pages: the first carries the headline
and the buttons, the rest follow in the thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.layout import aligned
from bot.core.markup import plain as unmarked
from bot.core.reply import Action, ActionKind, Reply, Severity, Table
from bot.slack.markup import escape, fit, split_mentions, user_mention
from bot.slack.spans import text_object

Block = dict[str, Any]

MAX_BLOCKS = 50  # per message (100 in App Home)
MAX_TEXT = 3000  # a section's text
MAX_FIELD = 2000  # each of a section's fields
MAX_FIELDS = 10  # fields per section
MAX_BUTTON_TEXT = 75
MAX_BUTTONS = 25  # elements per actions block
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK = 3000  # the notification text; Slack truncates far later
# Slack documents no total for a message's blocks, yet refuses large ones with
# ``msg_blocks_too_long``: `audit 100` at 11,368 characters of block text was at the
# edge, others report the refusal from about 13,200 (slackapi/bolt-js#2509), and the
# only documented cumulative figure is 12,000 characters for a payload's markdown
# blocks. 8,000 keeps a third of that in reserve for what we cannot count (JSON,
# how Slack counts entities), so no reply depends on where the real edge is today.
MAX_MESSAGE_TEXT = 8000
CONTINUED_TEXT = 200  # a continuation page's header ("… (continued, 2/5)")

ICON = {
    Severity.INFO: "ℹ️",
    Severity.SUCCESS: "✅",
    Severity.WARNING: "⚠️",
    Severity.ERROR: "❌",
}
_FENCE = "```"


@dataclass(frozen=True, slots=True)
class Message:
    """What ``chat.postMessage`` / ``chat.update`` take: fallback text and blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def plain(text: str, limit: int = MAX_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": fit(text, limit) or " ", "emoji": False}


def mrkdwn(trusted: str) -> dict[str, Any]:
    """Only for text the adapter built itself (mentions, labels), already escaped."""
    return {"type": "mrkdwn", "text": trusted}


def section(text: str) -> Block:
    return {"type": "section", "text": text_object(text, MAX_TEXT)}


def context(*elements: dict[str, Any]) -> Block:
    return {"type": "context", "elements": list(elements)}


def label_block(label: str | None) -> list[Block]:
    return [context(mrkdwn(f"*{escape(label)}*"))] if label else []


def headline_text(reply: Reply) -> str:
    return f"{ICON[reply.severity]} {reply.headline}"


def fallback(reply: Reply) -> str:
    label = f"[{reply.label}] " if reply.label else ""
    return fit(label + unmarked(headline_text(reply)), MAX_FALLBACK)


def render(
    reply: Reply,
    *,
    note: str | None = None,
    limit: int = MAX_BLOCKS,
    budget: int = MAX_MESSAGE_TEXT,
) -> list[Message]:
    """The reply as one or more messages, each within ``limit`` blocks and ``budget``
    characters of text; ``note`` is adapter-built mrkdwn (who pressed)."""
    head = [*label_block(reply.label), section(headline_text(reply))]
    body = [*_fields(reply.fields), *_tables(reply.tables), *_lines(reply.lines)]
    tail = [*([context(mrkdwn(note))] if note else []), *action_blocks(reply.actions)]
    first = (limit - len(head) - len(tail), budget - text_size(head) - text_size(tail))
    chunks = _paginate(body, first, (limit - 1, budget - CONTINUED_TEXT))
    pages = [Message(fallback(reply), [*head, *chunks[0], *tail])]
    for n, chunk in enumerate(chunks[1:], start=2):
        more = f"{unmarked(reply.headline)} (continued, {n}/{len(chunks)})"
        header = context(plain(more, CONTINUED_TEXT))
        pages.append(Message(fit(more, CONTINUED_TEXT), [header, *chunk]))
    return pages


def text_size(blocks: Sequence[Block]) -> int:
    """Characters of text in ``blocks`` (every text object, buttons' labels too)."""
    return sum(len(text) for text in _texts(blocks))


def _texts(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def _paginate(
    body: Sequence[Block], first: tuple[int, int], rest: tuple[int, int]
) -> list[list[Block]]:
    """Body blocks in order, as pages of at most (blocks, characters): ``first`` for the
    page that also holds the headline and buttons (it may take none), ``rest`` after.
    Every body block is at most ``MAX_TEXT`` characters, well under ``rest``."""
    pages: list[list[Block]] = [[]]
    room_blocks, room_chars = first
    for block in body:
        size = text_size([block])
        if len(pages[-1]) >= room_blocks or size > room_chars:
            pages.append([])
            room_blocks, room_chars = rest
        pages[-1].append(block)
        room_chars -= size
    return pages


def action_blocks(actions: Sequence[Action], *, block_id: str | None = None) -> list[Block]:
    blocks = []
    for i in range(0, len(actions), MAX_BUTTONS):
        block: Block = {
            "type": "actions",
            "elements": [button(a) for a in actions[i : i + MAX_BUTTONS]],
        }
        if block_id is not None:
            block["block_id"] = f"{block_id}:{i}"
        blocks.append(block)
    return blocks


def button(action: Action) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(action.label, MAX_BUTTON_TEXT),
        # The core's opaque id comes back in the payload, as action_id and value.
        "action_id": action.id,
        "value": action.id,
    }
    if action.danger:
        element["style"] = "danger"
    elif action.kind in (ActionKind.CONFIRM, ActionKind.APPROVE):
        element["style"] = "primary"
    return element


def _fields(fields: Sequence[tuple[str, str]]) -> list[Block]:
    """Sections of at most ``MAX_FIELDS`` fields and ``MAX_TEXT`` characters each (ten
    long fields would otherwise make one 20,000-character block)."""
    sections: list[list[dict[str, Any]]] = []
    size = 0
    for name, value in fields:
        shown = text_object(f"{name}: {value}", MAX_FIELD)
        length = len(shown["text"])
        if sections and len(sections[-1]) < MAX_FIELDS and size + length <= MAX_TEXT:
            sections[-1].append(shown)
            size += length
        else:
            sections.append([shown])
            size = length
    return [{"type": "section", "fields": chunk} for chunk in sections]


def _lines(lines: Sequence[str]) -> list[Block]:
    """Runs of plain lines packed into sections; a line with markup is its own."""
    blocks: list[Block] = []
    run: list[str] = []
    for line in [*lines, None]:
        shown = text_object(line, MAX_TEXT) if line is not None else None
        if line is not None and shown is not None and shown["type"] == "plain_text":
            run.append(line)
            continue
        blocks.extend(section("\n".join(chunk)) for chunk in _pack(run, MAX_TEXT))
        run = []
        if shown is not None:
            blocks.append({"type": "section", "text": shown})
    return blocks


def _tables(tables: Iterable[Table]) -> list[Block]:
    blocks: list[Block] = []
    for table in tables:
        if table.title:
            blocks.append(section(table.title))
        for chunk in code_chunks(table_lines(table)):
            blocks.append({"type": "section", "text": mrkdwn(chunk)})
    return blocks


def table_lines(table: Table) -> list[str]:
    """Aligned plain-text rows (a header, a rule, the rows), like the console's: at most
    ``layout.WIDTH`` wide, long cells wrapped within their column."""
    return aligned(table.columns, [tuple(unmarked(c) for c in r) for r in table.rows])


def code_chunks(lines: Sequence[str], limit: int = MAX_TEXT) -> list[str]:
    """Code blocks of at most ``limit`` characters each, escaped, split between rows."""
    inner = limit - 2 * len(_FENCE) - 2
    quoted = [fit(line, inner, quote=True) for line in lines]
    return [f"{_FENCE}\n" + "\n".join(chunk) + f"\n{_FENCE}" for chunk in _group(quoted, inner)]


def _pack(lines: Sequence[str], limit: int) -> list[list[str]]:
    """Raw lines grouped so each group, escaped and joined, fits ``limit``."""
    groups: list[list[str]] = []
    size = 0
    for line in lines:
        length = len(escape(line))  # an over-long line alone is cut by ``plain``
        if groups and size + 1 + length <= limit:
            groups[-1].append(line)
            size += 1 + length
        else:
            groups.append([line])
            size = length
    return groups


def _group(quoted: Sequence[str], limit: int) -> list[list[str]]:
    """Already-escaped lines grouped so each joined group fits ``limit``."""
    groups: list[list[str]] = []
    size = 0
    for line in quoted:
        if groups and size + 1 + len(line) <= limit:
            groups[-1].append(line)
            size += 1 + len(line)
        else:
            groups.append([line])
            size = len(line)
    return groups


def parent_message(label: str | None, actor: str, typed: str, status: str) -> Message:
    """A slash command's visible parent: who ran what, and how it went (details in thread).

    ``typed`` is the command as Slack sent it (escaped): the people it @mentions are
    shown as mentions, every typed character stays plain text. The fallback keeps
    the status whole, cutting the command instead."""
    pieces = split_mentions(f"/trtc {typed}")
    shown = fit(status, MAX_FALLBACK // 2)
    line = "".join(user_mention(p) if n % 2 else escape(p) for n, p in enumerate(pieces))
    room = MAX_FALLBACK - len(shown) - 2
    if len(line) > room:
        line = fit("".join(f"@{p}" if n % 2 else p for n, p in enumerate(pieces)), room)
    ran = context(mrkdwn(f"{user_mention(actor)} ran"), *_typed_elements(pieces))
    return Message(f"{line}: {shown}", [*label_block(label), ran, section(status)])


def _typed_elements(pieces: Sequence[str]) -> list[dict[str, Any]]:
    """Typed text as plain_text, its @mentions as mrkdwn ``<@U…>``; past what a context
    block holds, the rest is one plain text with the mentions written ``@U…``."""
    elements: list[dict[str, Any]] = []
    for n, piece in enumerate(pieces):
        if len(elements) == MAX_CONTEXT_ELEMENTS - 2:
            rest = "".join(f"@{p}" if (n + k) % 2 else p for k, p in enumerate(pieces[n:]))
            elements.append(plain(rest))
            break
        if n % 2:
            elements.append(mrkdwn(user_mention(piece)))
        elif piece.strip():
            elements.append(plain(piece.strip()))
    return elements


def note_message(label: str | None, trusted: str) -> Message:
    """A message of the adapter's own (already escaped mrkdwn: channel links, codes)."""
    return Message(trusted[:MAX_FALLBACK], [*label_block(label), section_mrkdwn(trusted)])


def section_mrkdwn(trusted: str) -> Block:
    return {"type": "section", "text": mrkdwn(trusted)}


def progress_message(label: str | None, status: str) -> Message:
    return Message(fit(status, MAX_FALLBACK), [*label_block(label), section(f"⏳ {status}")])
