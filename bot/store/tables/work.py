"""Timed and shared work: schedules, break-glass windows, approval nudges, shared paces."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables.base import Base


class ScheduleRun(Base):
    """One run of a piece of scheduled work (the daily digest, a usage check) for one slot.

    ``key`` is ``job:slot`` (``digest:2026-12-07``): the replica whose insert creates
    the row runs it, so each slot runs once across replicas and restarts. ``runner``
    holds it while ``state`` is running; a dead runner's run is taken over."""

    __tablename__ = "schedules"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(48))
    state: Mapped[str] = mapped_column(String(16), index=True)
    runner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_at: Mapped[float]
    finished_at: Mapped[float | None] = mapped_column(nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ElevationState(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class Elevation(Base):
    """A break-glass window: for it, what would need approval runs on its owner's
    confirmation alone. Ended by one conditional UPDATE (on time, or "End now")."""

    __tablename__ = "elevations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    nonce: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[float]
    granted_s: Mapped[float]  # the length asked for; an Extend adds it again
    until: Mapped[float] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(8))
    warned: Mapped[bool] = mapped_column(server_default=false())  # the 5-minute warning
    ended_at: Mapped[float | None] = mapped_column(nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Nudge(Base):
    """A reminder or escalation sent about a pending approval: the row is the claim,
    so each is sent once whichever replica gets there first."""

    __tablename__ = "approval_nudges"
    __table_args__ = (UniqueConstraint("operation_id", "kind", name="uq_approval_nudges"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # "reminder" | "escalation"
    at: Mapped[float]
    sender: Mapped[str] = mapped_column(String(32))


class PaceRow(Base):
    """A shared pace: the theoretical arrival time of the next use of ``key`` (GCRA),
    in the database's own clock so that replicas' clocks need not agree."""

    __tablename__ = "paces"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tat: Mapped[float]
