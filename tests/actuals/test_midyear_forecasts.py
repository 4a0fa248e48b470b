"""The unit's 全年预计完成值 in the mid-year table (绩效运行监控表, DOMAIN.md §4): a qualitative indicator's
forecast (words or a grade) is shown in its column."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.actuals.helpers import P1, RES_ZH, res, upload, xlsx_bytes
from tracker.models import Project
from tracker.monitoring.midyear import MonitorProject, monitoring_projects
from tracker.monitoring.table import write_project_workbook
from tracker.rules import load_rules
from tracker.scope import Scope

PARTLY = "部分达成年度指标并具有一定效果"


def results(*rows: list[str]) -> bytes:
    return xlsx_bytes({"指标": [[*RES_ZH, "全年预计完成值"], *rows]})


def table(db: Session, month: int = 6) -> MonitorProject:
    pid = db.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    [mp] = monitoring_projects(
        session=db, scope=Scope.everything(), year=2024, through_month=month, project_id=pid, rules=load_rules()
    )
    return mp


def forecast_cell(mp: MonitorProject, seq: int) -> object:
    """The 全年预计完成值 cell of indicator `seq` in the produced workbook (found under its header)."""
    out = io.BytesIO()
    write_project_workbook(out, mp, ("资金", "政策", "管理", "其他"))
    ws = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    header = next(c for row in ws.iter_rows() for c in row if c.value == "全年预计完成值")
    level3 = next(r for r in mp.rows if r.seq == seq).level3
    row = next(c.row for c in ws["D"] if c.value == level3)  # 三级指标
    return ws.cell(row=row, column=header.column).value


def test_a_qualitative_indicators_own_forecast_is_shown_in_the_mid_year_table(db: Session) -> None:
    upload(db, results([*res("5", PARTLY, "2024-06-30", reason="进度慢", measures="加快"), "达成年度指标"]), "r.xlsx")
    mp = table(db)
    assert next(r for r in mp.rows if r.seq == 5).forecast_text == "达成年度指标"
    assert forecast_cell(mp, 5) == "达成年度指标"  # the unit's own, not the grade of the actual so far
