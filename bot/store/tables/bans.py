"""Bans: who is kept out of which room, and each rejoin caught (bot/store/bans.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables.base import Base
from bot.trtc.rooms import EVERY_ROOM, RoomRef


class Ban(Base):
    """Someone kept out of a room (or, ``room`` = ``*``, every room of an application)
    until ``until`` (None: until unbanned): re-removed whenever TRTC says they entered."""

    __tablename__ = "bans"
    __table_args__ = (Index("ix_bans_state_app_user", "state", "sdkappid", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    room: Mapped[str] = mapped_column(String(128))  # "*": every room of the application
    numeric: Mapped[bool]
    user_id: Mapped[str] = mapped_column(String(128))
    until: Mapped[float | None] = mapped_column(nullable=True, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float]
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Where the ban was made: rejoins and its end are told there.
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    operation_id: Mapped[int | None] = mapped_column(nullable=True)
    state: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(server_default=text("0"))  # rejoins seen
    ended_at: Mapped[float | None] = mapped_column(nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ended_why: Mapped[str | None] = mapped_column(String(16), nullable=True)

    @property
    def everywhere(self) -> bool:
        return self.room == EVERY_ROOM

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.numeric)


class BanRejoin(Base):
    """A banned user's room entry, taken once: the unique (ban, event) pair is the claim
    that makes one replica — whichever stores it first — remove them, and only once."""

    __tablename__ = "ban_rejoins"
    __table_args__ = (
        UniqueConstraint("ban_id", "event_key", name="uq_ban_rejoins_event"),
        Index("ix_ban_rejoins_told", "told", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    ban_id: Mapped[int] = mapped_column(index=True)
    event_key: Mapped[str] = mapped_column(String(64))
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    room: Mapped[str] = mapped_column(String(128))
    numeric: Mapped[bool]
    user_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[float]  # when the callback was taken
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # None: removing
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # None until a notice in the ban's thread has told it; then that notice's claim.
    told: Mapped[str | None] = mapped_column(String(32), nullable=True)

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.numeric)
