"""CDN relays and stream ingests the bot started or heard of; a callback's detail.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("trtc_callbacks") as batch:
        batch.add_column(sa.Column("detail", sa.Text(), nullable=True))
    op.create_table(
        "trtc_relays",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sdkappid", sa.BigInteger(), nullable=False),
        sa.Column("room", sa.String(128), nullable=False),
        sa.Column("numeric", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("task_id", sa.String(256), nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("robot", sa.String(128), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_event", sa.String(300), nullable=False),
        sa.Column("event_ms", sa.BigInteger(), nullable=True),
        sa.Column("started_by", sa.String(64), nullable=True),
        sa.Column("seen_start", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.UniqueConstraint("sdkappid", "kind", "task_id", "url", name="uq_trtc_relays_task_url"),
    )
    op.create_index("ix_trtc_relays_room", "trtc_relays", ["sdkappid", "room", "numeric"])
    op.create_index("ix_trtc_relays_task_id", "trtc_relays", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_trtc_relays_task_id", table_name="trtc_relays")
    op.drop_index("ix_trtc_relays_room", table_name="trtc_relays")
    op.drop_table("trtc_relays")
    with op.batch_alter_table("trtc_callbacks") as batch:
        batch.drop_column("detail")
