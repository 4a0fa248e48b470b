"""The unit's 全年预计完成值 in the mid-year table (绩效运行监控表, DOMAIN.md §4): a qualitative indicator's
forecast (words or a grade) is shown in its column, and a later report that left the forecast blank keeps
the unit's most recent earlier one (up to the table's date)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.actuals.helpers import P1, RES_ZH, res, upload, xlsx_bytes
from tracker.actuals.read import forecast_of, result_history
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


def test_a_report_without_a_forecast_keeps_the_units_earlier_one(db: Session) -> None:
    upload(db, results([*res("1", "1000人", "2024-03-31"), "2400人"]), "march.xlsx")
    upload(db, results([*res("1", "1300人", "2024-06-30"), ""]), "june.xlsx")  # June gave the actual only
    first = next(r for r in table(db).rows if r.seq == 1)
    assert (first.actual, first.forecast, first.forecast_estimated) == (Decimal(1300), Decimal(2400), False)
    # a forecast given after the table's date is not known at it
    upload(db, results([*res("1", "1400人", "2024-07-31"), "2600人"]), "july.xlsx")
    assert next(r for r in table(db).rows if r.seq == 1).forecast == Decimal(2400)


def test_a_qualitative_forecast_is_carried_forward_too(db: Session) -> None:
    upload(db, results([*res("5", PARTLY, "2024-03-31", reason="进度慢", measures="加快"), "预计年底前完成"]), "a.xlsx")
    upload(db, results([*res("5", PARTLY, "2024-06-30", reason="进度慢", measures="加快"), ""]), "b.xlsx")
    mp = table(db)
    assert forecast_cell(mp, 5) == "预计年底前完成"


def test_forecast_of_gives_the_latest_forecast_up_to_a_date(db: Session) -> None:
    upload(db, results([*res("1", "1000人", "2024-03-31"), "2400人"]), "march.xlsx")
    upload(db, results([*res("1", "1300人", "2024-06-30"), ""]), "june.xlsx")
    upload(db, results([*res("1", "1400人", "2024-07-31"), "2600人"]), "july.xlsx")
    pid = db.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    [history] = [h for h in result_history(session=db, project_ids=[pid]).values() if h[0].seq == 1]
    june = forecast_of(history, date(2024, 6, 30))
    assert june is not None and (june.as_of, june.forecast_value) == (date(2024, 3, 31), Decimal(2400))
    latest = forecast_of(history)
    assert latest is not None and latest.forecast_value == Decimal(2600)
