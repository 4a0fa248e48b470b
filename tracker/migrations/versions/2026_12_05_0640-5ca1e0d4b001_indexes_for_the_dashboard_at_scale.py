"""indexes for the dashboard at scale: latest audit entry, latest re-import, first page in table order

The dashboard of a province checks on every view whether anything changed since the night's snapshots
(the latest `audit_entry.at` and `project.updated_at`) and shows its first page in table order
(year, heading_no, id): without these indexes the first is a scan of the whole audit trail and the
last a sort of every project of the year.

Revision ID: 5ca1e0d4b001
Revises: 5e7c1a9b2d40
Create Date: 2026-12-05 06:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5ca1e0d4b001"
down_revision: str | Sequence[str] | None = "5e7c1a9b2d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entry_at", ["at"], unique=False)
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index("ix_project_updated_at", ["updated_at"], unique=False)
        batch_op.create_index("ix_project_year_heading_no_id", ["year", "heading_no", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_year_heading_no_id")
        batch_op.drop_index("ix_project_updated_at")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_at")
