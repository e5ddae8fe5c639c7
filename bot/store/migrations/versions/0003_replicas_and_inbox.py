"""Replica heartbeats and what each replica holds; the Slack inbox; one audit record
per delivery.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "replicas",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.Double(), nullable=False),
        sa.Column("beat_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("replicas") as batch:
        batch.create_index(batch.f("ix_replicas_beat_at"), ["beat_at"], unique=False)
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("delivery", sa.String(length=255), nullable=True))
        batch.create_index("ux_audit_delivery", ["delivery"], unique=True)
    with op.batch_alter_table("operations") as batch:
        batch.add_column(sa.Column("executor", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("delivery", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_operations_delivery", ["delivery"])
    with op.batch_alter_table("mutes") as batch:
        batch.add_column(sa.Column("lifter", sa.String(length=32), nullable=True))
    with op.batch_alter_table("slack_deliveries") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reply_ts", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.create_index("ix_slack_deliveries_open", ["done", "owner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("slack_deliveries") as batch:
        batch.drop_index("ix_slack_deliveries_open")
        batch.drop_column("done")
        batch.drop_column("reply_ts")
        batch.drop_column("payload")
        batch.drop_column("owner")
    with op.batch_alter_table("mutes") as batch:
        batch.drop_column("lifter")
    with op.batch_alter_table("operations") as batch:
        batch.drop_constraint("uq_operations_delivery", type_="unique")
        batch.drop_column("delivery")
        batch.drop_column("executor")
    with op.batch_alter_table("audit") as batch:
        batch.drop_index("ux_audit_delivery")
        batch.drop_column("delivery")
    with op.batch_alter_table("replicas") as batch:
        batch.drop_index(batch.f("ix_replicas_beat_at"))
    op.drop_table("replicas")
