"""Break-glass elevations, the operations and audit records done under one, and the
reminders and escalations sent about pending approvals.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "elevations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("thread", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", sa.Double(), nullable=False),
        sa.Column("granted_s", sa.Double(), nullable=False),
        sa.Column("until", sa.Double(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("warned", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("ended_at", sa.Double(), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("elevations") as batch:
        batch.create_index(batch.f("ix_elevations_user_id"), ["user_id"], unique=False)
        batch.create_index(batch.f("ix_elevations_until"), ["until"], unique=False)
    op.create_table(
        "approval_nudges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("operation_id", "kind", name="uq_approval_nudges"),
    )
    with op.batch_alter_table("operations") as batch:
        batch.add_column(sa.Column("elevation_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("elevation_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_audit_elevation_id"), ["elevation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_index(batch.f("ix_audit_elevation_id"))
        batch.drop_column("elevation_id")
    with op.batch_alter_table("operations") as batch:
        batch.drop_column("elevation_id")
    op.drop_table("approval_nudges")
    with op.batch_alter_table("elevations") as batch:
        batch.drop_index(batch.f("ix_elevations_until"))
        batch.drop_index(batch.f("ix_elevations_user_id"))
    op.drop_table("elevations")
