"""On-cloud recordings: the tasks, their files and their callbacks (chain of custody).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.String(128), nullable=False, unique=True),
        sa.Column("sdkappid", sa.BigInteger(), nullable=False),
        sa.Column("room", sa.String(128), nullable=False),
        sa.Column("room_numeric", sa.Boolean(), nullable=False),
        sa.Column("users", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("storage", sa.String(8), nullable=False),
        sa.Column("storage_where", sa.Text(), nullable=False),
        sa.Column("url_base", sa.Text(), nullable=True),
        sa.Column("robot", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("approver", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(64), nullable=True),
        sa.Column("operation_id", sa.Integer(), nullable=True),
        sa.Column("request_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("until", sa.Double(), nullable=False),
        sa.Column("warned", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("stopper", sa.String(32), nullable=True),
        sa.Column("started_at", sa.Double(), nullable=True),
        sa.Column("ended_at", sa.Double(), nullable=True),
        sa.Column("leave_code", sa.Integer(), nullable=True),
        sa.Column("uploads", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("custody_at", sa.Double(), nullable=True),
    )
    op.create_index("ix_recordings_state_until", "recordings", ["state", "until"])
    op.create_table(
        "recording_files",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("begin_ms", sa.BigInteger(), nullable=True),
        sa.Column("end_ms", sa.BigInteger(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("upload", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.UniqueConstraint("task_id", "name", name="uq_recording_files_task_name"),
    )
    op.create_index("ix_recording_files_task_id", "recording_files", ["task_id"])
    op.create_table(
        "recording_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("task_id", sa.String(128), nullable=False),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.Double(), nullable=False),
        sa.Column("told", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.create_index("ix_recording_events_task_id", "recording_events", ["task_id"])
    op.create_index("ix_recording_events_told", "recording_events", ["told"])


def downgrade() -> None:
    op.drop_table("recording_events")
    op.drop_table("recording_files")
    op.drop_table("recordings")
