"""A finished operation keeps no secret it was typed with.

A pending ``relay start`` or ``ingest start`` must keep the URL as typed, stream key
included, to run once confirmed or approved (``bot.trtc.masking``: nothing else ever
holds it). Once the operation is final nothing will run it again, so its stored
arguments get the masked URL instead, in the transaction that makes it final.
"""

from __future__ import annotations

from typing import Any

from bot.store.tables import OperationState
from bot.trtc.masking import mask_text

# Nothing sends an operation's arguments to TRTC again once it has left these (an Undo
# or a timed mute's lift reads rooms and users, never a URL).
STILL_TO_RUN = frozenset(
    {OperationState.AWAITING_CONFIRM, OperationState.PENDING_APPROVAL, OperationState.EXECUTING}
)


def _scrub(value: Any) -> Any:
    if isinstance(value, str) and "://" in value:
        return mask_text(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def scrubbed(args: dict[str, Any]) -> dict[str, Any]:
    """``args`` with every URL in it masked (a room, a user, a number: unchanged)."""
    return {k: _scrub(v) for k, v in args.items()}
