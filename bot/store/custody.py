"""Chain of custody: a recording's callbacks stored once, and what they say about its files.

Each callback (EventGroupId 3, trtc-server-api-2.md §4.7) is inserted under its identity
(a TRTC retry inserts nothing) and applied to the task and its files in the same
transaction, so what the bot says in chat is always what it has on record. Events are
then ``claim``ed once (across replicas) to be told in the task's thread. Files are
never deleted. TRTC's callbacks carry no file size: ``size`` stays empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Recording, RecordingEvent, RecordingFile, RecordingState

START, STOP, UPLOAD_START, FILE_INFO, UPLOAD_STOP = 301, 302, 303, 304, 305
FILE_SLICE, UPLOAD_ERROR, MP4_STOP, VOD_COMMIT, VOD_STOP = 307, 308, 310, 311, 312

RECORDING, UPLOADED, FAILED, LEFT = "recording", "uploaded", "failed", "left on server"
_LIVE = (RecordingState.STARTING.value, RecordingState.STALLED.value)


@dataclass(frozen=True, slots=True)
class Told:
    """A stored event to tell in chat."""

    task_id: str
    type: int
    payload: dict[str, Any]


def _status(payload: dict[str, Any]) -> int:
    # 305's field is LeaveCode on the current page, Status on the older one (§10 #5).
    value = payload.get("Status", payload.get("LeaveCode", 0))
    return value if isinstance(value, int) else 0


class Custody:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def files(self, task_id: str) -> Sequence[RecordingFile]:
        stmt = select(RecordingFile).where(RecordingFile.task_id == task_id)
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(RecordingFile.id))).all()

    async def accept(
        self, key: str, task_id: str, type_: int, payload: dict[str, Any], now: float
    ) -> bool:
        """Store and apply one callback; False when it was stored before (a retry)."""
        try:
            async with self._sessions.begin() as session:
                session.add(
                    RecordingEvent(
                        key=key,
                        task_id=task_id,
                        type=type_,
                        payload=payload,
                        received_at=now,
                        told=False,
                    )
                )
                await session.flush()
                await _apply(session, task_id, type_, payload, now)
        except IntegrityError:
            return False
        return True

    async def catch_up(self, task_id: str) -> None:
        """Apply the callbacks stored for ``task_id`` before its task was: TRTC may call
        back (301: started) before the bot has stored the answer to CreateCloudRecording.
        Each is applied as of when it arrived, so one applied twice changes nothing."""
        stmt = select(RecordingEvent).where(RecordingEvent.task_id == task_id)
        async with self._sessions.begin() as session:
            for event in (await session.scalars(stmt.order_by(RecordingEvent.id))).all():
                await _apply(session, task_id, event.type, dict(event.payload), event.received_at)

    async def claim(self, limit: int = 100) -> list[Told]:
        """Events nobody has told yet, each taken by one caller only."""
        stmt = select(RecordingEvent).where(RecordingEvent.told.is_(False))
        async with self._sessions() as session:
            rows = (await session.scalars(stmt.order_by(RecordingEvent.id).limit(limit))).all()
        mine: list[Told] = []
        for row in rows:
            take = (
                update(RecordingEvent)
                .where(RecordingEvent.id == row.id, RecordingEvent.told.is_(False))
                .values(told=True)
            )
            async with self._sessions.begin() as session:
                if getattr(await session.execute(take), "rowcount", 0) == 1:
                    mine.append(Told(row.task_id, row.type, dict(row.payload)))
        return mine


async def _apply(
    session: AsyncSession, task_id: str, type_: int, payload: dict[str, Any], now: float
) -> None:
    task = (await session.scalars(select(Recording).where(Recording.task_id == task_id))).first()
    if task is None:
        return  # another application's task, or one recorded outside the bot: stored only
    status = _status(payload)
    if type_ == START:
        if status == 0 and task.state in _LIVE:
            task.state, task.started_at = RecordingState.RECORDING.value, now
        elif status != 0 and task.state in (*_LIVE, RecordingState.RECORDING.value):
            task.state, task.note = RecordingState.FAILED.value, "TRTC could not start it (301)"
    elif type_ == STOP:
        recorded = task.started_at is not None
        if task.state != RecordingState.FAILED.value:
            task.state = RecordingState.ENDED.value
        task.ended_at, task.leave_code = now, payload.get("LeaveCode")
        if not recorded and task.uploads is None:
            task.uploads = "none"  # it never recorded: nothing will be uploaded
    elif type_ in (FILE_SLICE, FILE_INFO):
        name = payload.get("FileName") or payload.get("FileList")
        if isinstance(name, str) and name:
            await _file(session, task, name, payload, RECORDING, now)
        if task.state in _LIVE:
            task.state, task.started_at = RecordingState.RECORDING.value, task.started_at or now
    elif type_ == UPLOAD_ERROR:
        task.note = f"upload error {payload.get('Code')}: {payload.get('Message')}"
    elif type_ == UPLOAD_STOP:
        upload = LEFT if status == 1 else UPLOADED
        await _all_files(session, task, upload, now)
        task.uploads = "failed" if status == 1 else "done"
    elif type_ == MP4_STOP:
        for name in payload.get("FileList") or ():
            await _file(session, task, str(name), {}, FAILED if status == 2 else UPLOADED, now)
    elif type_ == VOD_COMMIT:
        vod = payload.get("TencentVod") or {}
        name = str(vod.get("CacheFile") or vod.get("FileId") or "unnamed")
        upload = {0: UPLOADED, 1: LEFT}.get(status, FAILED)
        await _file(session, task, name, {**vod, "Errmsg": payload.get("Errmsg")}, upload, now)
    elif type_ == VOD_STOP:
        task.uploads = "failed" if status != 0 else "done"


async def _file(
    session: AsyncSession,
    task: Recording,
    name: str,
    data: dict[str, Any],
    upload: str,
    now: float,
) -> None:
    stmt = select(RecordingFile).where(
        RecordingFile.task_id == task.task_id, RecordingFile.name == name
    )
    row = (await session.scalars(stmt)).first()
    if row is None:
        row = RecordingFile(task_id=task.task_id, name=name, upload=upload, updated_at=now)
        row.url = f"{task.url_base}{name}" if task.url_base else None
        session.add(row)
    row.upload, row.updated_at = upload, now
    row.user_id = str(data.get("UserId") or row.user_id or "")
    row.track = str(data.get("TrackType") or row.track or "")
    begin = data.get("BeginTimeStamp", data.get("StartTimeStamp"))
    if isinstance(begin, int):
        row.begin_ms = begin
    if isinstance(data.get("EndTimeStamp"), int):
        row.end_ms = data["EndTimeStamp"]
    if data.get("VideoUrl"):
        row.url = str(data["VideoUrl"])
    if data.get("Errmsg"):
        row.detail = str(data["Errmsg"])


async def _all_files(session: AsyncSession, task: Recording, upload: str, now: float) -> None:
    await session.execute(
        update(RecordingFile)
        .where(RecordingFile.task_id == task.task_id)
        .values(upload=upload, updated_at=now)
    )
