"""On-cloud recordings and their chain of custody."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables.base import Base
from bot.trtc.rooms import RoomRef


class RecordingState(StrEnum):
    """A recording task as the bot knows it (bot/store/recordings.py).

    starting ─┬─► recording ─► stopping ─► ended
              ├─► stalled (accepted, no file in time) ─► stopping | ended
              └─► failed (TRTC said it could not start)
    """

    STARTING = "starting"
    RECORDING = "recording"
    STALLED = "stalled"
    STOPPING = "stopping"
    ENDED = "ended"
    FAILED = "failed"

    @property
    def live(self) -> bool:
        return self in (RecordingState.STARTING, RecordingState.RECORDING, RecordingState.STALLED)


class Recording(Base):
    """One on-cloud recording task, with who asked for it and why (chain of custody)."""

    __tablename__ = "recordings"
    __table_args__ = (Index("ix_recordings_state_until", "state", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(128), unique=True)
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    room: Mapped[str] = mapped_column(String(128))
    room_numeric: Mapped[bool]
    users: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: the whole room
    mode: Mapped[str] = mapped_column(String(8))  # mixed | single
    storage: Mapped[str] = mapped_column(String(8))  # vod | cos
    storage_where: Mapped[str] = mapped_column(Text)
    url_base: Mapped[str | None] = mapped_column(Text, nullable=True)  # COS: bucket URL
    robot: Mapped[str] = mapped_column(String(64))
    requester: Mapped[str] = mapped_column(String(64))
    approver: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    operation_id: Mapped[int | None] = mapped_column(nullable=True)
    request_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[float]
    until: Mapped[float]  # stopped by the bot then
    warned: Mapped[bool] = mapped_column(server_default=text("false"))
    state: Mapped[str] = mapped_column(String(16))
    stopper: Mapped[str | None] = mapped_column(String(32), nullable=True)
    started_at: Mapped[float | None] = mapped_column(nullable=True)
    ended_at: Mapped[float | None] = mapped_column(nullable=True)
    leave_code: Mapped[int | None] = mapped_column(nullable=True)
    uploads: Mapped[str | None] = mapped_column(String(16), nullable=True)  # done | failed
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    custody_at: Mapped[float | None] = mapped_column(nullable=True)  # final audit written

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.room_numeric)

    @property
    def status(self) -> RecordingState:
        return RecordingState(self.state)


class RecordingFile(Base):
    """A file a recording task produced, as its callbacks described it."""

    __tablename__ = "recording_files"
    __table_args__ = (UniqueConstraint("task_id", "name", name="uq_recording_files_task_name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(512))
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_id: Mapped[str] = mapped_column(String(128), default="")
    track: Mapped[str] = mapped_column(String(16), default="")
    begin_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    end_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # TRTC reports none
    upload: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[float]


class RecordingEvent(Base):
    """A recording callback (EventGroupId 3), stored once; ``told`` once shown in chat."""

    __tablename__ = "recording_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    task_id: Mapped[str] = mapped_column(String(128), index=True)
    type: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[float]
    told: Mapped[bool] = mapped_column(server_default=text("false"), index=True)
