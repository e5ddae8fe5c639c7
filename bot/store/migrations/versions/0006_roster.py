"""The live roster: who is in each room, from TRTC's room events.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def _room_key() -> list[sa.Column[object]]:
    return [
        sa.Column("sdkappid", sa.BigInteger(), nullable=False),
        sa.Column("room", sa.String(128), nullable=False),
        sa.Column("numeric", sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "trtc_roster_rooms",
        *_room_key(),
        sa.Column("created_ms", sa.BigInteger(), nullable=True),
        sa.Column("ended_ms", sa.BigInteger(), nullable=True),
        sa.Column("first_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_ms", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("sdkappid", "room", "numeric"),
    )
    op.create_index("ix_trtc_roster_rooms_seen_at", "trtc_roster_rooms", ["seen_at"])
    op.create_table(
        "trtc_roster_users",
        *_room_key(),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("joined_ms", sa.BigInteger(), nullable=True),
        sa.Column("terminal", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("sdkappid", "room", "numeric", "user_id"),
    )
    op.create_index("ix_trtc_roster_users_seen_at", "trtc_roster_users", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_trtc_roster_users_seen_at", "trtc_roster_users")
    op.drop_table("trtc_roster_users")
    op.drop_index("ix_trtc_roster_rooms_seen_at", "trtc_roster_rooms")
    op.drop_table("trtc_roster_rooms")
