"""A timed mute whose lift failed is retried with backoff, never left muted.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("mutes") as batch:
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("retry_at", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mutes") as batch:
        batch.drop_column("retry_at")
        batch.drop_column("attempts")
