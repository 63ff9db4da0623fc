"""street snapshots per run (what changed between two analyses) and the edit-a-thon mark on areas

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "street_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("tagged", sa.Boolean(), nullable=False),
        sa.Column("namesakes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "key", name="uq_snapshot_run_key"),
    )
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("event_started_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("event_started_at")
        batch_op.drop_column("event_run_id")
    op.drop_table("street_snapshots")
