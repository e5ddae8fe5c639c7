"""Scheduled work (the usage digest and alerts) runs once per slot across replicas.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.String(length=48), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("runner", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.Double(), nullable=False),
        sa.Column("finished_at", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("schedules") as batch:
        batch.create_index(batch.f("ix_schedules_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.drop_index(batch.f("ix_schedules_state"))
    op.drop_table("schedules")
