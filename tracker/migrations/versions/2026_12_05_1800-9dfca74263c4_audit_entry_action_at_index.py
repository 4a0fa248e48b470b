"""index audit entries by action and time: the target review's staleness stamp

`GET /review` asks for the newest audit entry of the actions that change a target table
(evaluation/review_store.py CHANGES_TABLE: indicator corrections, budget changes). Uploads write an entry
per project they touch, so without this index the question would read back through them.

Revision ID: 9dfca74263c4
Revises: 139eb39b1603
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9dfca74263c4"
down_revision: str | Sequence[str] | None = "139eb39b1603"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entry_action_at", ["action", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_action_at")
