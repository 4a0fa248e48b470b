"""One project's page: its targets, spend chart, indicator lights, reasons, uploads, audit trail and review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlmodel import Session, col, func, select

from tracker.core.review import Finding, review_project
from tracker.models import AuditEntry, Indicator, IndicatorResult, Payment, UploadBatch
from tracker.scope import Scope
from tracker.targets.schemas import ProjectOut
from tracker.targets.service import get_project
from tracker.web.charts import spend_chart
from tracker.web.overview import IndicatorRow, ProjectRow, find_row, light_rules, project_rows

AUDIT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ProjectPage:
    project: ProjectOut
    row: ProjectRow
    chart: Markup
    payments: list[tuple[date, int]]
    batches: list[UploadBatch]
    audit: list[AuditEntry]
    findings: list[Finding]

    @property
    def reasons(self) -> list[IndicatorRow]:
        """Indicators whose latest report gives a likelihood other than 确定能, or a reason."""
        return [
            i
            for i in self.row.indicators
            if i.latest is not None
            and (i.latest.reason or i.latest.measures or i.latest.likelihood not in (None, "确定能"))
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


def project_page(*, session: Session, scope: Scope, project_id: int, as_of: date | None, today: date) -> ProjectPage:
    """Everything the project page shows on `as_of` (default today, kept in the year); another unit's is NotFound."""
    out = get_project(session=session, scope=scope, project_id=project_id)
    day = min(max(as_of or today, date(out.year, 1, 1)), date(out.year, 12, 31))
    rows = project_rows(
        session=session, scope=scope, year=out.year, as_of=day, dept_code=out.dept_code, rules=light_rules()
    )
    row = find_row(rows, project_id)
    assert row is not None  # get_project already checked it exists in scope
    payments = payments_by_day(session=session, project_id=project_id)
    audit = session.exec(
        select(AuditEntry)
        .where(AuditEntry.project_id == project_id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(AUDIT_LIMIT)
    )
    return ProjectPage(
        project=out,
        row=row,
        chart=spend_chart(
            year=out.year, budget_fen=row.data.budget_fen, plan=row.data.plan, payments=payments, as_of=day
        ),
        payments=payments,
        batches=project_batches(session=session, project_id=project_id),
        audit=list(audit),
        findings=review_project(project=row.data),
    )
