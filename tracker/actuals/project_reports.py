"""The optional upload sheet 项目: per project, the unit's own 全年预计执行数 and 实际完成情况 (INTERFACE.md).

Checked row by row like the other sheets (Chinese row messages; one bad row and the whole file writes
nothing), compared with what is stored (an unchanged report writes nothing), and stored as
ProjectReport rows: a later report for the same project and date supersedes the earlier one. The
variance forecast, the mid-year table and the self-evaluation then read the unit's own figure and words
(tracker/actuals/read.py `project_reports`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from tracker import limits
from tracker.actuals import superseding
from tracker.actuals.chunks import Chunk
from tracker.actuals.columns import FILLED, Kind
from tracker.actuals.context import Context, ProjectRef, quarter_of
from tracker.actuals.payments import amount_fen
from tracker.actuals.report import RowIssue
from tracker.actuals.results import place_row
from tracker.bulk import matching
from tracker.core.money import wan_str
from tracker.models import ProjectReport


@dataclass(slots=True)
class ReportRow:
    """A good 项目 row, ready to be stored."""

    row: int
    project: ProjectRef
    as_of: date
    forecast_fen: int | None
    narrative: str


@dataclass(slots=True)
class ReportChange:
    row: ReportRow
    old: ProjectReport | None
    fields: list[tuple[str, str | None, str | None]]  # name, old, new (as text), for the audit trail


@dataclass(slots=True)
class ReportCheck:
    ctx: Context
    pending: list[tuple[Chunk, dict[str, str]]] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0
    periods: set[tuple[str, str, int, int]] = field(default_factory=set)  # (region, unit, year, quarter)

    def add(self, chunk: Chunk) -> None:
        for record in chunk.frame.to_dict("records"):
            cells = {str(k): str(v).strip() for k, v in record.items() if k != "row"}
            cells["row"] = str(record["row"])
            if not any(cells[name] for name in FILLED[Kind.PROJECTS]):
                self.skipped += 1  # a pre-filled template row left untouched
                continue
            self.rows += 1
            self.pending.append((chunk, cells))

    def check(self) -> list[ReportRow]:
        """Every good row; the bad ones go to ctx.errors."""
        self.ctx.load(
            depts={cells["dept_code"] for _, cells in self.pending},
            codes={cells["project_code"] for _, cells in self.pending},
        )
        good: list[ReportRow] = []
        first_of: dict[tuple[int, date], int] = {}
        for chunk, cells in self.pending:
            issues: list[RowIssue] = []

            def bad(
                column: str,
                message: str,
                chunk: Chunk = chunk,
                row: int = int(cells["row"]),
                out: list[RowIssue] = issues,
            ) -> None:
                out.append(RowIssue(row, chunk.headers.get(column, column), message, chunk.sheet))

            report = _row(self.ctx, cells, bad)
            if report is not None and not issues:
                key = (report.project.id, report.as_of)
                if key in first_of:
                    bad("as_of", f"与第{first_of[key]}行是同一项目、同一截至日期")
                else:
                    first_of[key] = report.row
                    good.append(report)
                    ref = report.project
                    self.periods.add((ref.region_code, ref.dept_code, report.as_of.year, quarter_of(report.as_of)))
            self.ctx.errors.extend(issues)
        return good


def _row(ctx: Context, cells: dict[str, str], bad: Any) -> ReportRow | None:
    for name in ("dept_code", "project_code", "as_of"):
        if not cells[name]:
            bad(name, "必填，不能为空")
    if not cells["forecast_wan"] and not cells["narrative"]:
        bad("forecast_wan", "请填写全年预计执行数（万元）或实际完成情况")
    placed = place_row(ctx, cells, bad)
    forecast = _forecast_fen(cells["forecast_wan"], bad)
    if problem := limits.text_problem(cells["narrative"], limits.FREE_TEXT, "实际完成情况"):
        bad("narrative", problem)
    if placed is None:
        return None
    project, day = placed
    return ReportRow(int(cells["row"]), project, day, forecast, cells["narrative"])


def _forecast_fen(text: str, bad: Any) -> int | None:
    """全年预计执行数 in 万元 as integer fen; 0 is a forecast too (nothing will be spent)."""
    if not text:
        return None
    fen, problem = amount_fen(text)
    if problem == "金额应大于0" and not text.lstrip().startswith("-"):
        return 0
    if problem:
        bad("forecast_wan", f"全年预计执行数：{problem.replace('金额应大于0', '不能为负数')}")
        return None
    return fen


def _shown(fen: int | None) -> str | None:
    return None if fen is None else wan_str(fen)


def compare(session: Session, rows: list[ReportRow]) -> list[ReportChange]:
    """What each good row would change against the current stored report (empty `fields` = unchanged)."""
    current: dict[tuple[int, date], ProjectReport] = {}
    query = select(ProjectReport).where(ProjectReport.is_current == True)  # noqa: E712
    for among in matching(session, col(ProjectReport.project_id), sorted({r.project.id for r in rows})):
        current.update({(r.project_id, r.as_of): r for r in session.exec(query.where(among))})
    changes = []
    for row in rows:
        old = current.get((row.project.id, row.as_of))
        fields = []
        before_fen, before_text = (old.forecast_fen, old.narrative) if old is not None else (None, None)
        if _shown(before_fen) != _shown(row.forecast_fen):
            fields.append(("forecast_wan", _shown(before_fen), _shown(row.forecast_fen)))
        if (before_text or "") != row.narrative:
            fields.append(("narrative", before_text or None, row.narrative or None))
        changes.append(ReportChange(row, old, fields))
    return changes


def store(session: Session, changes: list[ReportChange], batch_id: int) -> list[tuple[ReportChange, ProjectReport]]:
    """Write the changed reports; the superseded rows stay as history (is_current False)."""

    def build(change: ReportChange) -> ProjectReport:
        r = change.row
        return ProjectReport(project_id=r.project.id, batch_id=batch_id, as_of=r.as_of, forecast_fen=r.forecast_fen,
                             narrative=r.narrative, row_no=r.row)  # fmt: skip

    return superseding.store(session, changes, build)


def periods(changes: list[ReportChange]) -> set[tuple[str, str, int, int]]:
    """The (region, unit, year, quarter) each changed report falls in: the batch's quarters."""
    return {(c.row.project.region_code, c.row.project.dept_code, c.row.as_of.year, quarter_of(c.row.as_of))
            for c in changes}  # fmt: skip


def audit_entries(
    written: list[tuple[ReportChange, ProjectReport]], *, actor: str, batch_id: int
) -> list[dict[str, Any]]:
    """One audit entry per changed field of each stored report."""
    return [
        {"actor": actor, "action": "report.set", "entity": "project_report", "entity_id": new.id, "batch_id": batch_id,
         "project_id": change.row.project.id, "field": name, "old": old, "new": value,
         "note": f"项目情况 截至{change.row.as_of.isoformat()}"}
        for change, new in written
        for name, old, value in change.fields
    ]  # fmt: skip


def revert(session: Session, batch_id: int) -> None:
    """A withdrawn batch's reports step down; the newest earlier one of a live batch comes back."""
    superseding.revert(session, ProjectReport, batch_id, ("project_id", "as_of"))
