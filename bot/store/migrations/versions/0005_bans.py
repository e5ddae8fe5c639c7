"""Bans that hold: who is kept out of which room, and each rejoin taken once.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "bans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sdkappid", sa.BigInteger(), nullable=False),
        sa.Column("room", sa.String(length=128), nullable=False),
        sa.Column("numeric", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("until", sa.Double(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("thread", sa.String(length=64), nullable=True),
        sa.Column("operation_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("ended_at", sa.Double(), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.Column("ended_why", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bans") as batch:
        batch.create_index("ix_bans_state_app_user", ["state", "sdkappid", "user_id"])
        batch.create_index(batch.f("ix_bans_until"), ["until"], unique=False)
    op.create_table(
        "ban_rejoins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ban_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("sdkappid", sa.BigInteger(), nullable=False),
        sa.Column("room", sa.String(length=128), nullable=False),
        sa.Column("numeric", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("told", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ban_id", "event_key", name="uq_ban_rejoins_event"),
    )
    with op.batch_alter_table("ban_rejoins") as batch:
        batch.create_index(batch.f("ix_ban_rejoins_ban_id"), ["ban_id"], unique=False)
        batch.create_index("ix_ban_rejoins_told", ["told", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("ban_rejoins")
    op.drop_table("bans")
