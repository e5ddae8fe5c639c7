"""Relay-to-CDN callbacks (EventGroupId 4, EventType 401): read, masked, in words.

``EventInfo`` carries the relay's TaskId, the robot, and a ``Payload`` with the CDN
URL this status is about, the Status (0 idle … 5 disconnecting) and an error. The
URL is the push URL, stream key and all: it is masked here, before the event is
stored, so the database, the feed and `relays` only ever see the masked form.
What is kept is ``Publish``, serialised into the event's ``detail``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from bot.trtc.masking import host_of, mask_text, mask_url

PUBLISH_GROUP = 4
CDN_STATUS = 401
MAX_TASK = 256
MAX_ERROR = 200

# Payload.Status (reference §5.6) → what the bot stores as the task's state.
STATES = {
    0: "stopped",
    1: "connecting",
    2: "on air",
    3: "recovering",
    4: "failed",
    5: "stopping",
}
ON_AIR = frozenset({"connecting", "on air", "recovering", "starting"})


@dataclass(frozen=True, slots=True)
class Publish:
    task_id: str
    url: str  # masked
    status: int
    error_code: int | None = None
    error: str | None = None  # masked

    @property
    def state(self) -> str:
        return STATES.get(self.status, f"status {self.status}")

    def to_detail(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_detail(cls, detail: str) -> Publish | None:
        try:
            return cls(**json.loads(detail))
        except (ValueError, TypeError):
            return None


def read_publish(info: dict[str, Any]) -> Publish:
    """The relay part of a group-4 EventInfo; ValueError saying what is wrong."""
    task = info.get("TaskId")
    if isinstance(task, int) and not isinstance(task, bool):
        task = str(task)  # the table types it Number; Start returns a String (§5.6)
    if not isinstance(task, str) or not task or len(task) > MAX_TASK:
        raise ValueError("EventInfo.TaskId must be a string of 1-256 characters")
    payload = info.get("Payload")
    if not isinstance(payload, dict):
        raise ValueError("EventInfo.Payload must be a JSON object")
    url, status = payload.get("Url"), payload.get("Status")
    if not isinstance(url, str) or not url:
        raise ValueError("EventInfo.Payload.Url must be a non-empty string")
    if isinstance(status, bool) or not isinstance(status, int):
        raise ValueError("EventInfo.Payload.Status must be a whole number")
    code = payload.get("ErrorCode")
    message = payload.get("ErrorMsg")
    return Publish(
        task_id=task,
        url=mask_url(url),
        status=status,
        error_code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        error=mask_text(message)[:MAX_ERROR] if isinstance(message, str) and message else None,
    )


def event_ms(info: dict[str, Any]) -> int | None:
    """The docs name it EventMsTs; their example spells it EventTsMs (§5.6): accept both."""
    for name in ("EventMsTs", "EventTsMs"):
        value = info.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def words(publish: Publish) -> str:
    """ "CDN relay to live.example.com started" and the like."""
    where = f"CDN relay to {host_of(publish.url)}"
    match publish.status:
        case 0:
            return f"{where} stopped"
        case 1:
            return f"{where} connecting"
        case 2:
            return f"{where} started"
        case 3:
            return f"{where} interrupted, reconnecting" + _why(publish)
        case 4:
            return f"{where} failed" + (_why(publish) or ": no reason given")
        case 5:
            return f"{where} stopping"
    return f"{where}: status {publish.status}"


def describe_detail(detail: str | None) -> str:
    publish = Publish.from_detail(detail) if detail else None
    return "CDN relay status (unreadable)" if publish is None else words(publish)


def failed(detail: str | None) -> bool:
    publish = Publish.from_detail(detail) if detail else None
    return publish is not None and publish.status == 4


def _why(publish: Publish) -> str:
    if publish.error:
        return f": {publish.error}"
    if publish.error_code:
        return f": error {publish.error_code}"
    return ""
