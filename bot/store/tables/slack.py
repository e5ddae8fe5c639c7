"""The Slack edge's tables: the exactly-once inbox and the messages that show an operation."""

from __future__ import annotations

from sqlalchemy import Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.tables.base import Base


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
