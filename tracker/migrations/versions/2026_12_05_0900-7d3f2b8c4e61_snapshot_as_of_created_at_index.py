"""index the newest snapshot of a day: the dashboard's summary stamp

Every view of a province's dashboard asks the newest `variance_snapshot.created_at` of the day it
shows (monitoring/board_memo.py: a kept summary holds while it is unchanged). With (as_of, created_at)
that is one index entry; with the as_of index alone it reads every snapshot of the day.

Revision ID: 7d3f2b8c4e61
Revises: e513cb271897
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d3f2b8c4e61"
down_revision: str | Sequence[str] | None = "e513cb271897"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("variance_snapshot", schema=None) as batch_op:
        batch_op.create_index("ix_variance_snapshot_as_of_created_at", ["as_of", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("variance_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_variance_snapshot_as_of_created_at")
