"""places in every identity, budget changes, payments' funding source

A unit becomes (region, unit code) and a project (year, region, unit code, project code); every
table that named a unit by its code alone gets the region beside it. What is already stored belongs
to one county, 昌黎县 (130322), so every region column is filled from the unit's region, or 130322.
`budget_version` gives way to `budget_change`: the published 年初 figure stays on the project, and
each adjusted version becomes an adjustment of the difference to the version before it.

Revision ID: a4870084eb94
Revises: cdaf51a3e358
Create Date: 2026-12-01 20:29:22.139514
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a4870084eb94"
down_revision: str | Sequence[str] | None = "cdaf51a3e358"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGLI = "130322"
CHANGLI_NAME = "秦皇岛市昌黎县"
_REGION = sqlmodel.sql.sqltypes.AutoString(length=12)
# The region of a row that names a unit by its code: before this revision a code was one unit.
_DEPT_REGION = f"COALESCE((SELECT d.region_code FROM dept d WHERE d.code = {{t}}.dept_code), '{CHANGLI}')"


def _fill_regions() -> None:
    bind = op.get_bind()
    used = bind.execute(sa.text("SELECT (SELECT COUNT(*) FROM dept) + (SELECT COUNT(*) FROM project)")).scalar()
    known = bind.execute(sa.text("SELECT COUNT(*) FROM region WHERE code = :c"), {"c": CHANGLI}).scalar()
    if used and not known:
        bind.execute(sa.text("INSERT INTO region (code, name) VALUES (:c, :n)"), {"c": CHANGLI, "n": CHANGLI_NAME})
    op.execute(f"UPDATE dept SET region_code = '{CHANGLI}' WHERE region_code IS NULL")
    op.execute(f"UPDATE project SET region_code = {_DEPT_REGION.format(t='project')}")


def _add_region(table: str, *, nullable: bool = False, where: str = "", others: str | None = None) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.add_column(sa.Column("region_code", _REGION, nullable=True))
    op.execute(f"UPDATE {table} SET region_code = {_DEPT_REGION.format(t=table)} {where}")
    if others is not None:
        op.execute(f"UPDATE {table} SET region_code = '{others}' WHERE region_code IS NULL")
    if not nullable:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("region_code", existing_type=_REGION, nullable=False)


def _budget_versions_to_changes() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT project_id, kind, total_fen, effective_on, created_at, note FROM budget_version "
            "ORDER BY project_id, CASE WHEN kind = 'initial' THEN 0 ELSE 1 END, effective_on, created_at, id"
        )
    ).all()
    previous: dict[int, int] = {}
    for project_id, kind, total, effective_on, created_at, note in rows:
        if kind == "initial":
            previous[project_id] = total
            continue
        before = previous.get(project_id)
        if before is None:
            before = bind.execute(sa.text("SELECT budget_fen FROM project WHERE id = :i"), {"i": project_id}).scalar()
        previous[project_id] = total
        on = effective_on or (
            created_at.date() if isinstance(created_at, datetime) else date.fromisoformat(str(created_at)[:10])
        )
        bind.execute(
            sa.text(
                "INSERT INTO budget_change (project_id, kind, effective_on, doc, amount_fen, reason, source, "
                "recorded_by, created_at) VALUES (:p, 'adjustment', :on, '', :amount, :reason, '本年财政拨款', NULL, :at)"
            ),
            {"p": project_id, "on": on, "amount": total - (before or 0), "reason": note or "", "at": datetime.now(UTC)},
        )


def upgrade() -> None:
    op.create_table(
        "budget_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("doc", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_budget_change_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_change")),
    )
    with op.batch_alter_table("budget_change") as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_change_project_id"), ["project_id"], unique=False)
    _budget_versions_to_changes()
    with op.batch_alter_table("budget_version") as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_version_project_id"))
    op.drop_table("budget_version")

    with op.batch_alter_table("payment") as batch_op:
        batch_op.add_column(
            sa.Column(
                "source", sqlmodel.sql.sqltypes.AutoString(length=20), server_default="本年财政拨款", nullable=False
            )
        )

    # The unit's key grows a region: foreign keys on the old key go first.
    _fill_regions()
    with op.batch_alter_table("project") as batch_op:
        batch_op.drop_constraint("fk_project_region_code_region", type_="foreignkey")
        batch_op.drop_constraint("fk_project_dept_code_dept", type_="foreignkey")
        batch_op.drop_constraint("uq_project_year_dept_code", type_="unique")
    with op.batch_alter_table("submission") as batch_op:
        batch_op.drop_constraint("fk_submission_dept_code_dept", type_="foreignkey")
        batch_op.drop_constraint("uq_submission_dept_year_quarter", type_="unique")
    with op.batch_alter_table("dept") as batch_op:
        batch_op.alter_column("region_code", existing_type=_REGION, nullable=False)
        batch_op.drop_constraint("pk_dept", type_="primary")
        batch_op.create_primary_key("pk_dept", ["region_code", "code"])

    with op.batch_alter_table("project") as batch_op:
        batch_op.alter_column("region_code", existing_type=_REGION, nullable=False)
        batch_op.create_index("ix_project_region_code_dept_code", ["region_code", "dept_code"], unique=False)
        batch_op.create_unique_constraint(
            "uq_project_year_region_dept_code", ["year", "region_code", "dept_code", "code"]
        )
        batch_op.create_foreign_key(
            "fk_project_region_dept_dept", "dept", ["region_code", "dept_code"], ["region_code", "code"]
        )

    _add_region("submission")
    with op.batch_alter_table("submission") as batch_op:
        batch_op.create_unique_constraint(
            "uq_submission_region_dept_year_quarter", ["region_code", "dept_code", "year", "quarter"]
        )
        batch_op.create_foreign_key(
            "fk_submission_region_dept_dept", "dept", ["region_code", "dept_code"], ["region_code", "code"]
        )

    _add_region("batch_period")
    with op.batch_alter_table("batch_period") as batch_op:
        batch_op.drop_constraint("pk_batch_period", type_="primary")
        batch_op.create_primary_key("pk_batch_period", ["batch_id", "region_code", "dept_code", "year", "quarter"])

    _add_region("user_unit")
    with op.batch_alter_table("user_unit") as batch_op:
        batch_op.drop_constraint("uq_user_unit_user_dept", type_="unique")
        batch_op.create_unique_constraint("uq_user_unit_user_region_dept", ["user_id", "region_code", "dept_code"])

    _add_region("alert")
    _add_region("alert_message", nullable=True, where="WHERE dept_code IS NOT NULL")
    _add_region("contact", where="WHERE kind = 'unit'", others="")  # finance: every region
    with op.batch_alter_table("contact") as batch_op:
        batch_op.drop_constraint("uq_contact_kind_dept_email", type_="unique")
        batch_op.create_index(batch_op.f("ix_contact_region_code"), ["region_code"], unique=False)
        batch_op.create_unique_constraint(
            "uq_contact_kind_region_dept_email", ["kind", "region_code", "dept_code", "email"]
        )

    op.create_table(
        "user_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_code", _REGION, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_region_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_region")),
        sa.UniqueConstraint("user_id", "region_code", name="uq_user_region_user_region"),
    )
    with op.batch_alter_table("user_region") as batch_op:
        batch_op.create_index(batch_op.f("ix_user_region_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_region_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Back to one unit per code: only possible while the install holds one region."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(DISTINCT region_code) FROM dept")).scalar() > 1:
        raise RuntimeError("数据库里有多个行政区划，不能降级到不区分行政区划的版本")
    with op.batch_alter_table("user_region") as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_region_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_region_region_code"))
    op.drop_table("user_region")
    with op.batch_alter_table("contact") as batch_op:
        batch_op.drop_constraint("uq_contact_kind_region_dept_email", type_="unique")
        batch_op.drop_index(batch_op.f("ix_contact_region_code"))
        batch_op.create_unique_constraint("uq_contact_kind_dept_email", ["kind", "dept_code", "email"])
        batch_op.drop_column("region_code")
    for table in ("alert_message", "alert"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("region_code")
    with op.batch_alter_table("user_unit") as batch_op:
        batch_op.drop_constraint("uq_user_unit_user_region_dept", type_="unique")
        batch_op.create_unique_constraint("uq_user_unit_user_dept", ["user_id", "dept_code"])
        batch_op.drop_column("region_code")
    with op.batch_alter_table("batch_period") as batch_op:
        batch_op.drop_constraint("pk_batch_period", type_="primary")
        batch_op.create_primary_key("pk_batch_period", ["batch_id", "dept_code", "year", "quarter"])
        batch_op.drop_column("region_code")
    with op.batch_alter_table("submission") as batch_op:
        batch_op.drop_constraint("fk_submission_region_dept_dept", type_="foreignkey")
        batch_op.drop_constraint("uq_submission_region_dept_year_quarter", type_="unique")
        batch_op.drop_column("region_code")
    with op.batch_alter_table("project") as batch_op:
        batch_op.drop_constraint("fk_project_region_dept_dept", type_="foreignkey")
        batch_op.drop_constraint("uq_project_year_region_dept_code", type_="unique")
        batch_op.drop_index("ix_project_region_code_dept_code")
        batch_op.alter_column("region_code", existing_type=_REGION, nullable=True)
    with op.batch_alter_table("dept") as batch_op:
        batch_op.drop_constraint("pk_dept", type_="primary")
        batch_op.create_primary_key("pk_dept", ["code"])
        batch_op.alter_column("region_code", existing_type=_REGION, nullable=True)
    with op.batch_alter_table("project") as batch_op:
        batch_op.create_unique_constraint("uq_project_year_dept_code", ["year", "dept_code", "code"])
        batch_op.create_foreign_key("fk_project_dept_code_dept", "dept", ["dept_code"], ["code"])
        batch_op.create_foreign_key("fk_project_region_code_region", "region", ["region_code"], ["code"])
    with op.batch_alter_table("submission") as batch_op:
        batch_op.create_unique_constraint("uq_submission_dept_year_quarter", ["dept_code", "year", "quarter"])
        batch_op.create_foreign_key("fk_submission_dept_code_dept", "dept", ["dept_code"], ["code"])
    with op.batch_alter_table("payment") as batch_op:
        batch_op.drop_column("source")
    op.create_table(
        "budget_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("fiscal_fen", sa.BigInteger(), nullable=False),
        sa.Column("other_fen", sa.BigInteger(), nullable=False),
        sa.Column("carryover_fen", sa.BigInteger(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_budget_version_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_version")),
    )
    with op.batch_alter_table("budget_version") as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_version_project_id"), ["project_id"], unique=False)
    op.execute(
        "INSERT INTO budget_version (project_id, kind, total_fen, fiscal_fen, other_fen, carryover_fen, note, created_at)"
        " SELECT id, 'initial', budget_fen, fiscal_fen, other_fen, 0, '', updated_at FROM project"
    )
    op.execute(
        "INSERT INTO budget_version (project_id, kind, total_fen, fiscal_fen, other_fen, carryover_fen, effective_on,"
        " note, created_at) SELECT p.id, 'adjusted', p.budget_fen + SUM(c.amount_fen), p.fiscal_fen + SUM(c.amount_fen),"
        " p.other_fen, 0, MAX(c.effective_on), '', MAX(c.created_at) FROM project p JOIN budget_change c"
        " ON c.project_id = p.id GROUP BY p.id, p.budget_fen, p.fiscal_fen, p.other_fen"
    )
    with op.batch_alter_table("budget_change") as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_change_project_id"))
    op.drop_table("budget_change")
