"""payment voucher: the 支付凭证号 is a live payment's identity within its project

Treasury exports carry a voucher per payment, so an overlapping export books only what is new. Payments
stored before this revision get "B{batch}-{row}" (unique: one payment sheet per batch), which the
template lists so that a re-uploaded template is recognised row by row.

Revision ID: 5e7c1a9b2d40
Revises: 5b1e7c2a9d40
Create Date: 2026-12-05 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e7c1a9b2d40"
down_revision: str | Sequence[str] | None = "5b1e7c2a9d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = "voucher <> '' AND NOT withdrawn"


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("voucher", sqlmodel.sql.sqltypes.AutoString(length=60), server_default="", nullable=False)
        )
    op.execute("UPDATE payment SET voucher = 'B' || CAST(batch_id AS VARCHAR) || '-' || CAST(row_no AS VARCHAR)")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(
            "uq_payment_project_id_voucher",
            ["project_id", "voucher"],
            unique=True,
            sqlite_where=sa.text(_WHERE),
            postgresql_where=sa.text(_WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("uq_payment_project_id_voucher")
        batch_op.drop_column("voucher")
