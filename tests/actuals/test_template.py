"""The pre-filled workbook: the unit's projects and indicators, codes as text, drop-downs; filled in, it uploads."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.actuals.helpers import DEPT, P1, one_issue, rejected, upload
from tracker.actuals.template import template_bytes
from tracker.core.grades import Grade
from tracker.errors import NotFound
from tracker.models import IndicatorResult, ProjectReport
from tracker.rules import load_rules
from tracker.scope import Scope


def workbook(db: Session) -> bytes:
    return template_bytes(rules=load_rules(), session=db, scope=Scope.everything(), dept_code=DEPT, year=2024)


def test_template_holds_the_units_projects_and_indicators_with_codes_as_text(db: Session) -> None:
    book = load_workbook(io.BytesIO(workbook(db)))
    assert book.sheetnames == ["说明", "支出", "指标", "项目"]
    pays, inds = book["支出"], book["指标"]
    assert [c.value for c in pays[1]][:8] == ["单位编码", "项目编码", "项目名称", "预算数（万元）", "资金支出计划",
                                             "已支付（万元）", "支付日期", "金额（万元）"]  # fmt: skip
    assert pays.max_row - 1 == 9  # 昌黎县民政局本级 has nine projects
    first = [c.value for c in pays[2]]
    assert first[:6] == [
        DEPT,
        P1,
        "残疾人两项补贴县级配套（困难残疾人生活补贴）",
        180,
        "3月底25%；6月底50%；10月底75%；12月底100%",
        0,
    ]
    assert pays["A2"].data_type == "s" and pays["B2"].number_format == "@"
    assert inds.max_row - 1 == 75
    assert [c.value for c in inds[2]][:8] == [DEPT, P1, first[2], 1, "产出指标", "数量指标", "困难残疾人受救助人数",
                                             "≥2500人"]  # fmt: skip
    assert "一行一笔支付" in "".join(str(c.value) for c in book["说明"]["A"])


def test_template_offers_drop_downs_for_grades_likelihood_and_reason_categories(db: Session) -> None:
    sheet = load_workbook(io.BytesIO(workbook(db)))["指标"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    grades = '"' + ",".join(Grade) + '"'
    assert lists["J6"] == grades and lists["J7"] == grades  # seq 5 and 6 of the first project are qualitative
    assert "J2" not in lists  # a count takes a number
    assert sheet["K1"].value == "上年值"
    assert lists["M2:M576"] == '"确定能,有可能,完全不可能"'
    assert lists["N2:N576"] == '"经费保障,制度保障,人员保障,硬件条件保障,其他"'


def test_untouched_template_has_nothing_to_upload(db: Session) -> None:
    assert "没有需要上报的数据" in one_issue(rejected(db, workbook(db), "template.xlsx")).message


def test_filled_in_template_uploads_and_skips_the_rows_left_alone(db: Session) -> None:
    book = load_workbook(io.BytesIO(workbook(db)))
    book["支出"]["G2"], book["支出"]["H2"] = date(2024, 3, 10), 40.5
    book["指标"]["I2"], book["指标"]["J2"] = date(2024, 3, 31), "2600人"
    book["指标"]["I6"], book["指标"]["J6"], book["指标"]["L6"] = date(2024, 3, 31), Grade.ACHIEVED.value, 9
    out = io.BytesIO()
    book.save(out)
    summary = upload(db, out.getvalue(), "filled.xlsx")
    assert (summary.payments, summary.payments_wan, summary.results_new) == (1, "40.50", 2)
    assert summary.skipped == 8 + 73 + 9  # 支出, 指标 and 项目 rows left alone


def test_template_for_a_unit_without_projects_that_year_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        template_bytes(rules=load_rules(), session=db, scope=Scope.everything(), dept_code=DEPT, year=2023)
    with pytest.raises(NotFound):
        template_bytes(
            rules=load_rules(), session=db, scope=Scope.of_units({("130322", "320001")}), dept_code=DEPT, year=2024
        )


def test_a_percentage_typed_into_excel_reads_as_excel_shows_it(db: Session) -> None:
    book = load_workbook(io.BytesIO(workbook(db)))
    sheet = book["指标"]
    sheet["I9"], sheet["J9"] = date(2024, 3, 31), 0.97  # seq 8 of the first project: 受助对象满意率 ≥95%
    sheet["J9"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    upload(db, out.getvalue(), "filled.xlsx")
    stored = db.exec(select(IndicatorResult)).one()
    assert (stored.actual_text, stored.actual_value) == ("97%", Decimal(97))


def test_template_sheet_projects_lists_each_project_for_the_units_forecast_and_words(db: Session) -> None:
    """INTERFACE.md: sheet 项目 with 单位编码, 项目编码, 截至日期, 全年预计执行数（万元）, 实际完成情况."""
    book = load_workbook(io.BytesIO(workbook(db)))
    sheet = book["项目"]
    assert [c.value for c in sheet[1]] == ["单位编码", "项目编码", "项目名称", "预算数（万元）", "已支付（万元）",
                                          "截至日期", "全年预计执行数（万元）", "实际完成情况"]  # fmt: skip
    assert sheet.max_row - 1 == 9 and [c.value for c in sheet[2]][:4] == [
        DEPT,
        P1,
        "残疾人两项补贴县级配套（困难残疾人生活补贴）",
        180,
    ]
    assert book["指标"]["Q1"].value == "全年预计完成值"
    sheet["F2"], sheet["G2"], sheet["H2"] = date(2024, 6, 30), 170, "上半年已发放到户"
    book["指标"]["I2"], book["指标"]["J2"], book["指标"]["Q2"] = date(2024, 3, 31), "1300人", "2600人"
    out = io.BytesIO()
    book.save(out)
    summary = upload(db, out.getvalue(), "filled.xlsx")
    assert (summary.reports, summary.results_new) == (1, 1)
    report = db.exec(select(ProjectReport)).one()
    assert (report.forecast_fen, report.narrative) == (170_000_000, "上半年已发放到户")
    assert db.exec(select(IndicatorResult)).one().forecast_value == Decimal(2600)
