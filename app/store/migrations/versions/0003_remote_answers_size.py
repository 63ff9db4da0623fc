"""remote answers: their size and age, indexed, so the cache can be kept within bounds

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("remote_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE remote_answers SET size = length(body)")
    with op.batch_alter_table("remote_answers", schema=None) as batch_op:
        batch_op.create_index("ix_remote_answers_age", ["fetched_at", "size"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("remote_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_remote_answers_age")
        batch_op.drop_column("size")
