"""Shared paces (one TRTC rate limit and one Slack pace per channel for all replicas);
application ids as 64-bit on the mutes table, as on every other table.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "paces",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("tat", sa.Double(), nullable=False),
    )
    with op.batch_alter_table("mutes") as batch:
        batch.alter_column("sdkappid", type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("mutes") as batch:
        batch.alter_column("sdkappid", type_=sa.Integer(), existing_nullable=False)
    op.drop_table("paces")
