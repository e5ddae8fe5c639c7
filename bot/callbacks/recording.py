"""Recording callbacks (EventGroupId 3): read, then handed to the store's chain of custody.

They are not room events: they name a TaskId and carry a ``Payload`` the room feed has
no words for, so the receiver gives them to ``RecordingSink`` instead of the feed. The
sink stores each one (idempotently) before the receiver answers 200; the core tells
them in the task's thread (bot/core/recordings.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bot.callbacks.event import CallbackEvent, MalformedCallback
from bot.store.custody import Custody

RECORDING_GROUP = 3
MAX_TASK_ID = 128


def recording_fields(body: bytes) -> tuple[str, dict[str, Any]]:
    """(TaskId, Payload) of a verified group-3 body."""
    info = json.loads(body).get("EventInfo") or {}
    task_id = info.get("TaskId")
    if not isinstance(task_id, str) or not task_id or len(task_id) > MAX_TASK_ID:
        raise MalformedCallback("EventInfo.TaskId must be a non-empty string")
    payload = info.get("Payload") or {}
    if not isinstance(payload, dict):
        raise MalformedCallback("EventInfo.Payload must be a JSON object")
    return task_id, payload


class RecordingSink:
    def __init__(self, custody: Custody, *, clock: Callable[[], float] = time.time) -> None:
        self.custody = custody
        self.clock = clock

    async def accept(self, event: CallbackEvent, body: bytes) -> bool:
        """True when new, False for a retry of one already stored."""
        task_id, payload = recording_fields(body)
        return await self.custody.accept(event.key, task_id, event.type, payload, self.clock())
