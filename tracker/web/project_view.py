"""One project's page: its targets, spend chart, indicator lights, reasons, uploads, audit trail and review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from markupsafe import Markup
from sqlmodel import Session, col, func, select

from tracker.actuals.audit import audit_history
from tracker.actuals.schemas import AuditOut
from tracker.budget.service import change_rows
from tracker.core.lights import LightRules, spend_light
from tracker.core.likelihood import LIKELY
from tracker.core.plan import checkpoint_date, planned_fen, to_decimal
from tracker.core.project import ProjectData
from tracker.core.review import review_project
from tracker.core.review_rules import Finding
from tracker.evaluation.review import review_rules
from tracker.models import BudgetChange, Indicator, IndicatorResult, Payment, UploadBatch
from tracker.monitoring.lights import spend_rules
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.targets.schemas import ProjectOut
from tracker.targets.service import get_project
from tracker.web.charts import spend_chart
from tracker.web.overview import IndicatorRow, ProjectRow, find_row, project_rows

AUDIT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class CheckpointRow:
    """One checkpoint of the plan: planned by then, and (once passed) what was paid and its light."""

    month: int
    day: date
    cumulative_pct: Decimal
    planned_fen: int
    actual_fen: int | None
    ratio: Decimal | None
    light: str | None


@dataclass(frozen=True, slots=True)
class ProjectPage:
    project: ProjectOut
    row: ProjectRow
    chart: Markup
    budget_changes: list[BudgetChange]
    payments: list[tuple[date, int]]
    batches: list[UploadBatch]
    audit: list[AuditOut]
    audit_total: int
    findings: list[Finding]
    checkpoints: list[CheckpointRow]

    @property
    def reasons(self) -> list[IndicatorRow]:
        """Indicators whose latest report gives a likelihood other than 确定能, or a reason."""
        return [
            i
            for i in self.row.indicators
            if i.latest is not None
            and (i.latest.reason or i.latest.measures or i.latest.likelihood not in (None, LIKELY))
        ]


def payments_by_day(*, session: Session, project_id: int) -> list[tuple[date, int]]:
    """Live payments of the project summed per day, in date order."""
    q = (
        select(col(Payment.paid_on), func.sum(col(Payment.amount_fen)))
        .where(Payment.project_id == project_id, Payment.withdrawn == False)  # noqa: E712
        .group_by(col(Payment.paid_on))
        .order_by(col(Payment.paid_on))
    )
    return [(day, int(total)) for day, total in session.exec(q)]


def project_batches(*, session: Session, project_id: int) -> list[UploadBatch]:
    """Uploads that carried a payment or an indicator result of this project, newest first."""
    pay = select(Payment.batch_id).where(Payment.project_id == project_id)
    res = (
        select(IndicatorResult.batch_id)
        .join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
        .where(Indicator.project_id == project_id)
    )
    q = select(UploadBatch).where(col(UploadBatch.id).in_(pay.union(res))).order_by(col(UploadBatch.id).desc())
    return list(session.exec(q))


def checkpoint_rows(
    *, data: ProjectData, payments: list[tuple[date, int]], as_of: date, rules: LightRules
) -> list[CheckpointRow]:
    """Each checkpoint with the plan at its date and, for those passed by `as_of`, the paid total and light."""
    out = []
    for c in sorted(data.plan, key=lambda c: c.month):
        day = checkpoint_date(data.year, c.month)
        planned = planned_fen(budget_fen=data.budget_on(day), plan=data.plan, as_of=day, year=data.year)
        if day > as_of:
            out.append(CheckpointRow(c.month, day, c.cumulative_pct, planned, None, None, None))
            continue
        paid = sum(fen for d, fen in payments if d <= day)
        ratio = to_decimal(Fraction(paid, planned), 4) if planned > 0 else None
        light = spend_light(planned_fen=planned, actual_fen=paid, rules=rules).value
        out.append(CheckpointRow(c.month, day, c.cumulative_pct, planned, paid, ratio, light))
    return out


def project_page(
    *,
    session: Session,
    scope: Scope,
    project_id: int,
    as_of: date | None,
    today: date,
    rules: Rules,
    audit_offset: int = 0,
) -> ProjectPage:
    """Everything the project page shows on `as_of` (default today, kept in the year); another unit's is NotFound.

    The audit trail is one page of AUDIT_LIMIT entries from `audit_offset`, with the count of them all.
    """
    out = get_project(session=session, scope=scope, project_id=project_id)
    day = min(max(as_of or today, date(out.year, 1, 1)), date(out.year, 12, 31))
    rows = project_rows(
        session=session, scope=scope, year=out.year, as_of=day, dept_code=out.dept_code, region_code=out.region_code,
        rules=rules,
    )  # fmt: skip
    place = rules.for_place(out.region_code, out.year)
    row = find_row(rows, project_id)
    assert row is not None  # get_project already checked it exists in scope
    payments = payments_by_day(session=session, project_id=project_id)
    audit, audit_total = audit_history(
        session=session, scope=scope, project_id=project_id, limit=AUDIT_LIMIT, offset=audit_offset
    )
    return ProjectPage(
        project=out,
        row=row,
        budget_changes=change_rows(session=session, project_ids=[project_id]).get(project_id, []),
        chart=spend_chart(
            year=out.year,
            budget_fen=row.data.budget_fen,
            plan=row.data.plan,
            payments=payments,
            as_of=day,
            budget_on=row.data.budget_on,
            budget_changes=[c.on for c in row.data.versions().changes],
        ),
        payments=payments,
        batches=project_batches(session=session, project_id=project_id),
        audit=audit,
        audit_total=audit_total,
        findings=review_project(project=row.data, rules=review_rules(place)),
        checkpoints=checkpoint_rows(data=row.data, payments=payments, as_of=day, rules=spend_rules(place)),
    )
