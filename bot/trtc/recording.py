"""On-cloud recording: CreateCloudRecording, DescribeCloudRecording, ModifyCloudRecording
and DeleteCloudRecording (trtc-server-api-2.md §4), typed.

``RoomIdType`` is the trap: for recording 0 means a *string* room and 1 a numeric one
(the relay API says the opposite, §2). ``RoomId`` is a JSON string either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from bot.trtc.models import RoomId
from bot.trtc.transport import Transport

# Seconds with no anchor after which TRTC ends a task by itself (API default 30, [5, 86400]).
MAX_IDLE_S = 30
# Hours Describe/Modify/Delete can still address a task (API default 72, [6, 720]).
RESOURCE_EXPIRED_HOURS = 72
MAX_SUBSCRIBE = 32  # entries per allow-list


class RecordMode(IntEnum):
    SINGLE = 1  # one file set per user
    MIXED = 2  # every subscribed stream in one picture


class TaskStatus(StrEnum):
    IDLE = "Idle"  # accepted, nothing recorded yet (no anchor publishing)
    IN_PROGRESS = "InProgress"
    EXITED = "Exited"  # ending


@dataclass(frozen=True, slots=True)
class StorageFile:
    file_name: str
    user_id: str
    track_type: str
    begin_ms: int | None


@dataclass(frozen=True, slots=True)
class TaskState:
    task_id: str
    status: str
    files: tuple[StorageFile, ...]
    request_id: str


@dataclass(frozen=True, slots=True)
class Recording:
    """What CreateCloudRecording is asked for."""

    sdkappid: int
    room: RoomId
    robot: str
    user_sig: str
    mode: RecordMode
    storage: dict[str, Any]
    users: tuple[str, ...] = ()  # empty: every anchor
    max_idle_s: int = MAX_IDLE_S

    def params(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "RecordMode": int(self.mode),
            "MaxIdleTime": self.max_idle_s,
            "StreamType": 0,
        }
        if self.users:
            record["SubscribeStreamUserIds"] = subscription(self.users)
        return {
            "SdkAppId": self.sdkappid,
            "RoomId": str(self.room),
            "RoomIdType": 1 if isinstance(self.room, int) else 0,
            "UserId": self.robot,
            "UserSig": self.user_sig,
            "RecordParams": record,
            "StorageParams": self.storage,
            "ResourceExpiredHour": RESOURCE_EXPIRED_HOURS,
        }


def subscription(users: Sequence[str]) -> dict[str, list[str]]:
    """Allow-lists for audio and video: only these users are recorded."""
    return {"SubscribeAudioUserIds": list(users), "SubscribeVideoUserIds": list(users)}


class Recordings:
    """The four recording actions over the client's transport (``TrtcClient.recordings``)."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    async def create(self, recording: Recording) -> tuple[str, str]:
        """(TaskId, RequestId)."""
        answer = await self.transport.call("CreateCloudRecording", recording.params())
        return str(answer["TaskId"]), str(answer.get("RequestId", ""))

    async def describe(self, sdkappid: int, task_id: str) -> TaskState:
        answer = await self.transport.call(
            "DescribeCloudRecording", {"SdkAppId": sdkappid, "TaskId": task_id}
        )
        files = tuple(
            StorageFile(
                str(f.get("FileName") or ""),
                str(f.get("UserId") or ""),
                str(f.get("TrackType") or ""),
                f.get("BeginTimeStamp"),
            )
            for f in answer.get("StorageFileList") or ()
        )
        return TaskState(
            str(answer.get("TaskId", task_id)),
            str(answer.get("Status", "")),
            files,
            str(answer.get("RequestId", "")),
        )

    async def subscribe(self, sdkappid: int, task_id: str, users: Sequence[str]) -> str:
        """Replace the task's allow-lists (Modify overwrites, it does not patch)."""
        answer = await self.transport.call(
            "ModifyCloudRecording",
            {
                "SdkAppId": sdkappid,
                "TaskId": task_id,
                "SubscribeStreamUserIds": subscription(users),
            },
        )
        return str(answer.get("RequestId", ""))

    async def delete(self, sdkappid: int, task_id: str) -> str:
        """Stop the task; uploads go on and are reported by callback."""
        answer = await self.transport.call(
            "DeleteCloudRecording", {"SdkAppId": sdkappid, "TaskId": task_id}
        )
        return str(answer.get("RequestId", ""))
