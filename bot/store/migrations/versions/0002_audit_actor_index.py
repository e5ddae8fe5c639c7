"""Index audit records by actor: App Home shows each person their recent actions.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.create_index("ix_audit_actor_id", ["actor", "id"])


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_index("ix_audit_actor_id")
