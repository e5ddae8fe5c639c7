"""Every table the bot stores, declared here so one import registers them all.

Times are Unix seconds (float) from the injected clock. What a row *means* is
the business of the module that reads it (``bot/store/<noun>.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint, text, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.trtc.rooms import EVERY_ROOM, RoomRef


class Base(DeclarativeBase):
    pass


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
    sdkappid: Mapped[int]
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


class SlackDelivery(Base):
    """A Slack delivery already taken: an event id, a slash command or a button click."""

    __tablename__ = "slack_deliveries"
    __table_args__ = (Index("ix_slack_deliveries_open", "done", "owner"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    at: Mapped[float] = mapped_column(index=True)
    owner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The payload, until the work is done; then NULL (it may hold a response_url).
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    done: Mapped[bool] = mapped_column(server_default=true())
    # Where its answer is being written (a slash command's parent message), so that
    # a replica taking it over goes on in the same message instead of a second one.
    reply_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)


class SlackMessage(Base):
    """A Slack message that shows an operation (see messages.py)."""

    __tablename__ = "slack_messages"
    __table_args__ = (UniqueConstraint("channel", "ts", name="uq_slack_messages_channel_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(32))
    style: Mapped[str] = mapped_column(String(16))
    # A parent message's caption: who ran which command.
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    command: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float]


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
    state: Mapped[str] = mapped_column(String(8))
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)


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
