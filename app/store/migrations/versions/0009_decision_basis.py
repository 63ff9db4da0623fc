"""streets keep what their decision rests on; namesakes keep their canonization

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The name's reading and every piece of evidence but a review, so that saving a review decides the
    # street exactly as the next analysis will (app.classify.decide_streets); NULL for older runs.
    with op.batch_alter_table("streets") as batch:
        batch.add_column(sa.Column("basis", sa.JSON(), nullable=True))
    with op.batch_alter_table("namesakes") as batch:
        batch.add_column(sa.Column("canonized", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("namesakes") as batch:
        batch.drop_column("canonized")
    with op.batch_alter_table("streets") as batch:
        batch.drop_column("basis")
