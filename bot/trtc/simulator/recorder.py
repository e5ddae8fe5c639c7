"""Simulated recording tasks over time, and the recording callbacks (EventGroupId 3) they send.

A task is Idle until an anchor publishes in its room, then InProgress; it ends on
DeleteCloudRecording (302 LeaveCode 0), after ``MaxIdleTime`` with no anchor (99), or
when its room ends (2), and stays addressable as Exited for ``EXITED_FOR_S`` before
Describe answers ResourceNotFound. File names follow the documented scheme (§4.6).
COS storage reports 301, 303, 307 per file and 304; at the end 302 and 305 (308 first
when the upload fails). VOD storage reports 301; at the end 302, 311 per file and 312.

Scenario knobs (``Scenario.recording``): ``upload_fails`` makes every upload fail
(308 + 305 Status 1 on COS, 311 Status 2 + 312 Status 1 on VOD); ``never_starts``
accepts tasks that never send 301 nor record anything — the "accepted but no file"
failure mode the bot must notice.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.trtc.simulator.world import RoomRef, World

START, STOP, UPLOAD_START, FILE_INFO, UPLOAD_STOP = 301, 302, 303, 304, 305
FILE_SLICE, UPLOAD_ERROR, VOD_COMMIT, VOD_STOP = 307, 308, 311, 312
EXITED_FOR_S = 5
NORMAL, DISMISSED, IDLE, DUPLICATE = 0, 2, 99, 101

Emit = Callable[[int, int, dict[str, Any]], object]


def _b64(text: str) -> str:
    """The file-name encoding of user (and string room) ids: Base64, / → -, = → ."""
    return base64.b64encode(text.encode()).decode().replace("/", "-").replace("=", ".")


def new_task_id() -> str:
    """Opaque, URL-safe Base64 ending in '.', like TRTC's examples (never starting with
    '-': a chat line would read it as an option)."""
    while True:
        task_id = base64.urlsafe_b64encode(secrets.token_bytes(33)).decode() + "."
        if not task_id.startswith("-"):
            return task_id


@dataclass
class RecordedFile:
    name: str
    user_id: str
    track: str
    begin_ms: int


@dataclass
class Task:
    task_id: str
    sdkappid: int
    room: RoomRef
    robot: str
    mode: int
    vod: bool
    users: tuple[str, ...]
    max_idle_s: int
    created: int
    broken: bool = False  # both storages set: it fails to start
    started: bool = False
    last_anchor: int = 0
    ended: int | None = None
    leave_code: int | None = None
    files: list[RecordedFile] = field(default_factory=list)

    def status(self) -> str:
        if self.ended is not None:
            return "Exited"
        return "InProgress" if self.started else "Idle"


@dataclass(frozen=True)
class Faults:
    upload_fails: bool = False
    never_starts: bool = False


class Recorder:
    """Every task of the simulated account; ``scan`` moves them on with the clock."""

    def __init__(
        self, world: World, emit: Emit | None, faults: Faults, *, limit: int, secret: str
    ) -> None:
        self.world = world
        self.secret = secret  # the application's SDK secret: robots' UserSig must verify
        self.emit = emit
        self.faults = faults
        self.limit = limit
        self.tasks: dict[str, Task] = {}

    def live(self) -> list[Task]:
        return [t for t in self.tasks.values() if t.ended is None]

    def find(self, task_id: str) -> Task | None:
        """A task Describe/Modify/Delete can still address."""
        self.scan()
        task = self.tasks.get(task_id)
        if task is None or (
            task.ended is not None and self.world.now() - task.ended > EXITED_FOR_S
        ):
            return None
        return task

    def add(self, task: Task) -> None:
        now = self.world.now()
        for other in self.live():  # the same robot id again interrupts the earlier task
            if (other.sdkappid, other.room, other.robot) == (task.sdkappid, task.room, task.robot):
                self.end(other, DUPLICATE)
        self.tasks[task.task_id] = task
        task.last_anchor = now
        if self.faults.never_starts:
            return
        if task.broken:
            self._send(task, START, {"Status": 1})
            self.end(task, NORMAL, uploads=False)
            return
        self._send(task, START, {"Status": 0})
        self._maybe_start(task, now)

    def end(self, task: Task, code: int, *, uploads: bool = True) -> None:
        if task.ended is not None:
            return
        now = self.world.now()
        task.ended, task.leave_code = now, code
        self._send(task, STOP, {"LeaveCode": code})
        if uploads and task.started:
            self._uploads(task, now)

    def scan(self) -> None:
        """Start tasks whose room now has an anchor; end idle ones and those whose room ended."""
        now = self.world.now()
        for task in self.live():
            if self.faults.never_starts:
                continue
            call = self.world.room(task.sdkappid, task.room)
            if call is None:
                self.end(task, DISMISSED)
            elif self._anchors(task):
                task.last_anchor = now
                self._maybe_start(task, now)
            elif now - task.last_anchor >= task.max_idle_s:
                self.end(task, IDLE)

    def _anchors(self, task: Task) -> list[str]:
        call = self.world.room(task.sdkappid, task.room)
        if call is None:
            return []
        present = [m.user_id for m in call.present_members(self.world.now()) if m.publishes]
        return [u for u in present if not task.users or u in task.users]

    def _maybe_start(self, task: Task, now: int) -> None:
        anchors = self._anchors(task)
        if task.started or not anchors:
            return
        task.started = True
        stem = f"{task.sdkappid}_{task.room if isinstance(task.room, int) else _b64(task.room)}"
        if task.mode == 2:
            task.files.append(RecordedFile(f"{stem}.m3u8", "", "audio_video", now * 1000))
        else:
            for user in anchors:
                for track in ("audio", "video"):
                    name = f"{stem}__UserId_s_{_b64(user)}__UserId_e_main_{track}.m3u8"
                    task.files.append(RecordedFile(name, user, track, now * 1000))
        if task.vod:
            return
        self._send(task, UPLOAD_START, {"Status": 0})
        for f in task.files:
            slice_ = {"FileName": f.name, "UserId": f.user_id, "TrackType": f.track}
            self._send(task, FILE_SLICE, {**slice_, "BeginTimeStamp": f.begin_ms})
        self._send(task, FILE_INFO, {"FileList": task.files[0].name})

    def _uploads(self, task: Task, now: int) -> None:
        fails = self.faults.upload_fails
        if not task.vod:
            if fails:
                self._send(
                    task, UPLOAD_ERROR, {"Code": "InvalidParameter", "Message": "AccessKey invalid"}
                )
            self._send(task, UPLOAD_STOP, {"Status": 1 if fails else 0})
            return
        for index, f in enumerate(task.files, 1):
            mp4 = f.name.replace(".m3u8", ".mp4")
            vod: dict[str, Any] = {"UserId": f.user_id, "TrackType": f.track, "CacheFile": mp4}
            if fails:
                payload: dict[str, Any] = {
                    "Status": 2,
                    "Errmsg": "upload to VOD failed",
                    "TencentVod": vod,
                }
            else:
                file_id = f"5285890{secrets.randbelow(10**12):012d}"
                vod |= {
                    "MediaId": "mix" if task.mode == 2 else "main",
                    "FileId": file_id,
                    "VideoUrl": f"https://1500000000.vod2.myqcloud.com/sim/{file_id}/{index}.mp4",
                    "StartTimeStamp": f.begin_ms,
                    "EndTimeStamp": now * 1000,
                }
                payload = {"Status": 0, "TencentVod": vod}
            self._send(task, VOD_COMMIT, payload)
        self._send(task, VOD_STOP, {"Status": 1 if fails else 0})

    def _send(self, task: Task, event_type: int, payload: dict[str, Any]) -> None:
        if self.emit is None:
            return
        now = self.world.now()
        info = {
            "RoomId": task.room,
            "EventTs": now,
            "EventMsTs": now * 1000,
            "UserId": task.robot,
            "TaskId": task.task_id,
            "Payload": payload,
        }
        self.emit(task.sdkappid, event_type, info)
