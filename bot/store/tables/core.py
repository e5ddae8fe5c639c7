"""Operations, the audit log, replicas and mutes: the core's own tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables.base import Base
from bot.trtc.rooms import RoomRef


class OperationState(StrEnum):
    """An operation's life; every arrow is one conditional UPDATE (see operations.py).

    awaiting_confirm ─┬─► executing ─► succeeded ─► undone
    pending_approval ─┤             ├─► partial (some of it: a kick with a batch refused)
                      │             └─► failed | unknown ─► undone (a timed mute's lift)
                      └─► cancelled | rejected | expired
    """

    AWAITING_CONFIRM = "awaiting_confirm"
    PENDING_APPROVAL = "pending_approval"
    EXECUTING = "executing"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    UNKNOWN = "unknown"
    UNDONE = "undone"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def open(self) -> bool:
        return self in (OperationState.AWAITING_CONFIRM, OperationState.PENDING_APPROVAL)


class Operation(Base):
    """A mutating command waiting for its invoker's confirmation or an approver."""

    __tablename__ = "operations"
    __table_args__ = (UniqueConstraint("delivery", name="uq_operations_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    nonce: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(24), index=True)
    requester: Mapped[str] = mapped_column(String(64))
    requester_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    origin: Mapped[str] = mapped_column(String(16))
    command: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float]
    expires_at: Mapped[float] = mapped_column(index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[float | None] = mapped_column(nullable=True)
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    error_code: Mapped[str | None] = mapped_column(String(96), nullable=True)
    # The process running it while ``executing``: if that replica dies, recovery
    # need not wait for the slowest possible run to be sure it is stranded.
    executor: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The Slack delivery that asked for it: redone after a crash, it finds this one.
    delivery: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The break-glass elevation it was asked under: confirmed by its requester alone.
    elevation_id: Mapped[int | None] = mapped_column(nullable=True)

    @property
    def status(self) -> OperationState:
        return OperationState(self.state)


class AuditRecord(Base):
    """Every invocation and press, allowed or not, and what came of it."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_actor_id", "actor", "id"),
        # One record per Slack delivery, however often it is processed (a
        # replica that takes over a dead one's deliveries may redo some).
        Index("ux_audit_delivery", "delivery", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    origin: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    command: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resource: Mapped[str | None] = mapped_column(String(160), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    policy: Mapped[str | None] = mapped_column(String(128), nullable=True)
    statement: Mapped[int | None] = mapped_column(nullable=True)
    outcome: Mapped[str] = mapped_column(String(24))
    approver: Mapped[str | None] = mapped_column(String(64), nullable=True)
    operation_id: Mapped[int | None] = mapped_column(nullable=True)
    request_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    error_code: Mapped[str | None] = mapped_column(String(96), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivery: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Done under a break-glass elevation (bot/core/elevation.py): which one.
    elevation_id: Mapped[int | None] = mapped_column(nullable=True, index=True)


class Replica(Base):
    """A running bot process and when it last said it was alive."""

    __tablename__ = "replicas"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[float]
    beat_at: Mapped[float] = mapped_column(index=True)


class MuteState(StrEnum):
    ACTIVE = "active"
    LIFTING = "lifting"
    LIFTED = "lifted"
    UNDONE = "undone"
    REPLACED = "replaced"  # a newer mute of the same user took its place
    FAILED = "failed"  # a damaged row only: a lift TRTC refuses is retried (``retry_at``)


class Mute(Base):
    """A mute that ends by itself: the scheduler lifts it once ``until`` has passed, and
    tries again (``retry_at``, after ``attempts`` failures) until the lift succeeds."""

    __tablename__ = "mutes"
    __table_args__ = (Index("ix_mutes_state_until", "state", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    sdkappid: Mapped[int] = mapped_column(BigInteger)
    room: Mapped[str] = mapped_column(String(128))
    room_numeric: Mapped[bool]
    user_id: Mapped[str] = mapped_column(String(128))
    mode: Mapped[int]
    muted_by: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[float]
    until: Mapped[float | None] = mapped_column(nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    operation_id: Mapped[int | None] = mapped_column(nullable=True)
    lifter: Mapped[str | None] = mapped_column(String(32), nullable=True)  # while lifting
    attempts: Mapped[int] = mapped_column(server_default=text("0"))  # lifts that failed
    retry_at: Mapped[float | None] = mapped_column(nullable=True)  # after a failed lift

    @property
    def room_ref(self) -> RoomRef:
        return RoomRef(self.sdkappid, self.room, self.room_numeric)
