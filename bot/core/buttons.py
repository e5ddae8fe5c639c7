"""An operation's button ids: ``kind:operation:nonce``, opaque to adapters.

The nonce is random per operation, so an id cannot be guessed from another's."""

from __future__ import annotations

from bot.core.reply import ActionKind
from bot.store import Operation


def action_id(kind: ActionKind, op: Operation) -> str:
    return f"{kind.value}:{op.id}:{op.nonce}"


def parse_action_id(value: str) -> tuple[ActionKind, int, str] | None:
    kind, _, rest = value.partition(":")
    op_id, _, nonce = rest.partition(":")
    try:
        return ActionKind(kind), int(op_id), nonce
    except ValueError:
        return None
