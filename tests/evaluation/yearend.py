"""A year of actuals put into the database the way an accepted upload leaves them (rows via the models)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from tracker.core.money import parse_wan
from tracker.models import Indicator, IndicatorResult, Payment, Project, UploadBatch
from tracker.monitoring.export import export_monitoring
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import DirSink, ExportSummary
from tracker.targets.service import import_targets


def load(session: Session, data: bytes) -> tuple[dict[int, Project], int]:
    """Import the 昌黎县 file; projects by table number, and an upload batch to hang actuals on."""
    import_targets(session=session, data=data, filename="changli-2024-targets.txt")
    batch = UploadBatch(filename="year.xlsx", sha256="0" * 64)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    projects = {p.heading_no: p for p in session.exec(select(Project)) if p.heading_no is not None}
    return projects, batch.id


def pay(session: Session, batch: int, project: Project, paid_on: date, wan: str, *, withdrawn: bool = False) -> None:
    assert project.id is not None
    session.add(
        Payment(project_id=project.id, batch_id=batch, paid_on=paid_on, amount_fen=parse_wan(wan), withdrawn=withdrawn)
    )
    session.flush()


def report(
    session: Session,
    batch: int,
    project: Project,
    seq: int,
    text: str,
    *,
    as_of: date = date(2024, 12, 31),
    value: str | None = None,
    grade: str | None = None,
    score: str | None = None,
    reason: str = "",
    measures: str = "",
    likelihood: str | None = None,
    category: str | None = None,
    current: bool = True,
) -> None:
    """One indicator result; `value` is already in the target's unit (as the upload stores it)."""
    ind = session.exec(select(Indicator).where(Indicator.project_id == project.id, Indicator.seq == seq)).one()
    assert ind.id is not None
    session.add(
        IndicatorResult(
            indicator_id=ind.id,
            batch_id=batch,
            as_of=as_of,
            actual_text=text,
            actual_value=Decimal(value) if value is not None else None,
            grade=grade,
            score=Decimal(score) if score is not None else None,
            likelihood=likelihood,
            reason_category=category,
            reason=reason,
            measures=measures,
            is_current=current,
        )
    )
    session.flush()


def export_midyear(session: Session, out: Path, *, through_month: int = 6) -> ExportSummary:
    """The 2024 绩效运行监控表 of every project through `through_month`, by the shipped rules, written to `out`."""
    return export_monitoring(
        rules=load_rules(),
        session=session,
        scope=Scope.everything(),
        year=2024,
        through_month=through_month,
        sink=DirSink(out),
    )


def sheet(path: Path, name: str | None = None) -> Worksheet:
    book = load_workbook(path)
    ws = book[name] if name else book.worksheets[0]
    assert isinstance(ws, Worksheet)
    return ws


def find_row(ws: Worksheet, column: str, value: object) -> int:
    """The first row whose cell in `column` holds `value`."""
    for cell in ws[column]:
        if cell.value == value:
            return int(cell.row)
    raise AssertionError(f"{value!r} not in column {column}")
