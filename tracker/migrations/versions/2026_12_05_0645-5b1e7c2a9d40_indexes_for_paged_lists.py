"""indexes for the paged lists (alerts, upload batches, reviewed quarters, projects in table order)

Every list page now reads one page with limit/offset and a count (issue 14 item 3). These indexes let
the database find a page without sorting the whole table: alert messages newest first, a unit's
or region's messages and batches, the reviewed quarters latest first, and the year's projects in
table order.

Revision ID: 5b1e7c2a9d40
Revises: a4870084eb94
Create Date: 2026-12-05 06:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5b1e7c2a9d40"
down_revision: str | Sequence[str] | None = "a4870084eb94"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_message", schema=None) as batch_op:
        batch_op.create_index("ix_alert_message_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_alert_message_region_code_dept_code", ["region_code", "dept_code"], unique=False)
    with op.batch_alter_table("batch_period", schema=None) as batch_op:
        batch_op.create_index("ix_batch_period_region_code_dept_code", ["region_code", "dept_code"], unique=False)
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index("ix_submission_status_reviewed_at", ["status", "reviewed_at"], unique=False)
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(
            "ix_project_year_region_code_heading_no", ["year", "region_code", "heading_no"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index("ix_project_year_region_code_heading_no")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_status_reviewed_at")
    with op.batch_alter_table("batch_period", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_period_region_code_dept_code")
    with op.batch_alter_table("alert_message", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_message_region_code_dept_code")
        batch_op.drop_index("ix_alert_message_created_at_id")
