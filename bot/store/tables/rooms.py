"""What the bot hears of rooms: TRTC callbacks, watches, the live roster, relays on air."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables.base import Base
from bot.trtc.rooms import RoomRef


class Watch(Base):
    """A thread that wants a room's events, until ``expires_at`` at the latest."""

    __tablename__ = "trtc_watches"
    __table_args__ = (Index("ix_trtc_watches_state_room", "state", "sdkappid", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    room: Mapped[str] = mapped_column(String(128))
    numeric: Mapped[bool]
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float]
    expires_at: Mapped[float] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(8))
    ended_at: Mapped[float | None] = mapped_column(nullable=True)
    ended_why: Mapped[str | None] = mapped_column(String(16), nullable=True)

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.numeric)


class CallbackRecord(Base):
    """One TRTC event callback, verified and accepted."""

    __tablename__ = "trtc_callbacks"
    __table_args__ = (Index("ix_trtc_callbacks_state_seq", "state", "seq"),)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[float] = mapped_column(index=True)
    # Unix milliseconds and SdkAppIds outgrow PostgreSQL's 32-bit INTEGER.
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    group: Mapped[int]
    type: Mapped[int]
    callback_ms: Mapped[int] = mapped_column(BigInteger)
    event_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    room: Mapped[str | None] = mapped_column(String(128), nullable=True)
    numeric: Mapped[bool]
    user_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    role: Mapped[int | None] = mapped_column(nullable=True)
    reason: Mapped[int | None] = mapped_column(nullable=True)
    terminal: Mapped[int | None] = mapped_column(nullable=True)
    # What an event of another group carries beyond these columns (a relay's TaskId,
    # masked URL and status as JSON: bot/callbacks/publish.py); secrets never.
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(8))
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)


class RosterRoom(Base):
    """A room as TRTC's room events tell it (101 create, 102 dismiss, 103/104 enter and
    exit): what the live roster knows of it, and since when (see roster.py)."""

    __tablename__ = "trtc_roster_rooms"

    sdkappid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    room: Mapped[str] = mapped_column(String(128), primary_key=True)
    numeric: Mapped[bool] = mapped_column(primary_key=True)
    # Event times (Unix ms): the latest 101 and 102, the earliest and latest event seen.
    created_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    ended_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    first_ms: Mapped[int] = mapped_column(BigInteger)
    last_ms: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[float] = mapped_column(index=True)  # when its latest event arrived

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.numeric)


class RosterUser(Base):
    """One user of a roster room: in it or not, as its latest enter/exit event says."""

    __tablename__ = "trtc_roster_users"

    sdkappid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    room: Mapped[str] = mapped_column(String(128), primary_key=True)
    numeric: Mapped[bool] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    present: Mapped[bool]
    at_ms: Mapped[int] = mapped_column(BigInteger)  # the event that decided ``present``
    joined_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    terminal: Mapped[int | None] = mapped_column(nullable=True)
    reason: Mapped[int | None] = mapped_column(nullable=True)  # 104's Reason
    seen_at: Mapped[float] = mapped_column(index=True)


class RelayTask(Base):
    """A CDN relay target or a stream ingest the bot started or heard of in a callback.

    One row per task and URL (a relay may push to several CDNs). ``url`` is always
    masked (``bot.trtc.masking``): no stream key or token is ever written here.
    """

    __tablename__ = "trtc_relays"
    __table_args__ = (
        UniqueConstraint("sdkappid", "kind", "task_id", "url", name="uq_trtc_relays_task_url"),
        Index("ix_trtc_relays_room", "sdkappid", "room", "numeric"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    room: Mapped[str] = mapped_column(String(128))
    numeric: Mapped[bool]
    kind: Mapped[str] = mapped_column(String(8))  # relay | ingest
    task_id: Mapped[str] = mapped_column(String(256), index=True)
    url: Mapped[str] = mapped_column(String(1024))
    robot: Mapped[str | None] = mapped_column(String(128), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    last_event: Mapped[str] = mapped_column(String(300))
    # The newest callback's EventMsTs: an older one arriving late changes nothing.
    event_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    started_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seen_start: Mapped[bool]
    first_seen_at: Mapped[float]
    updated_at: Mapped[float]

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.numeric)
