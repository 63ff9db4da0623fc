"""index streets by run and source, for the gap lists

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("streets", schema=None) as batch_op:
        batch_op.create_index("ix_streets_run_source", ["run_id", "source"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("streets", schema=None) as batch_op:
        batch_op.drop_index("ix_streets_run_source")
