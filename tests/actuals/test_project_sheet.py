"""The units' own words and forecasts (issue 11 item 4, issue 15 item 2): the 项目 sheet and 全年预计完成值.

INTERFACE.md "Upload files": a workbook may hold a sheet 项目 with 单位编码, 项目编码, 截至日期,
全年预计执行数（万元）, 实际完成情况; a result row may carry 全年预计完成值. DOMAIN.md §3: the year-end
forecast is the unit's own where it gave one, otherwise estimated and marked （测算）.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.actuals.helpers import ADMIN, DEPT, P1, RES_ZH, one_issue, rejected, res, upload, xlsx_bytes
from tracker.actuals.batches import withdraw_batch
from tracker.actuals.read import latest_results, project_reports
from tracker.models import IndicatorResult, Project, ProjectReport
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.per_project import project_variance
from tracker.rules import load_rules

PROJ_ZH = ["单位编码", "项目编码", "截至日期", "全年预计执行数（万元）", "实际完成情况"]
NARRATIVE = "已为2600名困难群众发放救助金，资金按月拨付到户。"


def proj(as_of: str = "2024-06-30", forecast: str = "170", narrative: str = NARRATIVE, code: str = P1) -> list[str]:
    return [DEPT, code, as_of, forecast, narrative]


def book(*projects: list[str], results: list[list[str]] | None = None) -> bytes:
    sheets: dict[str, Sequence[Sequence[Any]]] = {"项目": [PROJ_ZH, *projects]}
    if results is not None:
        sheets["指标"] = [[*RES_ZH, "全年预计完成值"], *results]
    return xlsx_bytes(sheets)


def project_id(db: Session, code: str = P1) -> int:
    pid = db.exec(select(Project.id).where(Project.code == code, Project.dept_code == DEPT)).one()
    assert pid is not None
    return pid


def test_the_project_sheet_stores_the_units_forecast_in_fen_and_its_own_words(db: Session) -> None:
    summary = upload(db, book(proj()), "q2.xlsx")
    assert summary.reports == 1 and summary.status == "applied"
    stored = db.exec(select(ProjectReport)).one()
    assert (stored.as_of, stored.forecast_fen, stored.narrative) == (date(2024, 6, 30), 170_000_000, NARRATIVE)
    view = project_reports(session=db, project_ids=[project_id(db)], as_of=date(2024, 12, 31))[project_id(db)]
    assert (view.forecast_fen, view.narrative) == (170_000_000, NARRATIVE)


def test_the_same_report_again_changes_nothing_and_a_later_one_supersedes_it(db: Session) -> None:
    upload(db, book(proj()), "a.xlsx")
    again = upload(db, book(proj(), proj(as_of="", forecast="", narrative="")), "b.xlsx")  # an untouched row too
    assert again.status == "unchanged" and again.skipped == 1
    upload(db, book(proj(forecast="150")), "c.xlsx")
    rows = db.exec(select(ProjectReport).order_by(ProjectReport.id)).all()  # type: ignore[arg-type]
    assert [(r.forecast_fen, r.is_current) for r in rows] == [(170_000_000, False), (150_000_000, True)]


def test_the_latest_report_on_or_before_the_date_is_the_one_read(db: Session) -> None:
    upload(db, book(proj("2024-03-31", "175", "一季度：已发放"), proj("2024-06-30", "", "二季度：已发放")), "a.xlsx")
    pid = project_id(db)
    march = project_reports(session=db, project_ids=[pid], as_of=date(2024, 4, 30))[pid]
    assert (march.forecast_fen, march.narrative) == (175_000_000, "一季度：已发放")
    june = project_reports(session=db, project_ids=[pid], as_of=date(2024, 6, 30))[pid]
    # the June row gave words only: the forecast stays the latest one given (March)
    assert (june.forecast_fen, june.forecast_as_of) == (175_000_000, date(2024, 3, 31))
    assert june.narrative == "二季度：已发放"
    assert project_reports(session=db, project_ids=[pid], as_of=date(2024, 3, 30)) == {}


BAD = [
    ("negative forecast", proj(forecast="-5"), "全年预计执行数（万元）", "不能为负数"),
    ("forecast that is not a number", proj(forecast="很多"), "全年预计执行数（万元）", "不是数字"),
    ("forecast finer than a fen", proj(forecast="1.0000001"), "全年预计执行数（万元）", "精度超过1分"),
    ("neither forecast nor words", proj(forecast="", narrative=""), "全年预计执行数（万元）", "请填写全年预计执行数"),
    ("no date", proj(as_of=""), "截至日期", "必填"),
    ("unknown project", proj(code="13032224P00XXXXXXXXXX"), "项目编码", "项目"),
    ("words beyond the free-text limit", proj(narrative="长" * 2001), "实际完成情况", "过长"),
]


@pytest.mark.parametrize(("row", "column", "words"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_bad_project_row_is_named_in_chinese_and_nothing_of_the_file_is_written(
    db: Session, row: list[str], column: str, words: str
) -> None:
    good_result = [*res("1", "2600人", "2024-06-30"), "2800人"]
    issue = one_issue(rejected(db, book(proj(as_of="2024-03-31"), row, results=[good_result]), "bad.xlsx"))
    assert (issue.sheet, issue.row, issue.column) == ("项目", 3, column)
    assert words in issue.message, issue.message
    assert db.exec(select(ProjectReport)).all() == [] and db.exec(select(IndicatorResult)).all() == []


def test_the_same_project_and_date_twice_is_an_error(db: Session) -> None:
    issue = one_issue(rejected(db, book(proj(), proj(forecast="1")), "dup.xlsx"))
    assert issue.row == 3 and "与第2行是同一项目" in issue.message


def test_the_result_column_forecast_is_stored_in_the_targets_unit(db: Session) -> None:
    upload(db, book(results=[[*res("1", "1300人", "2024-03-31"), "2.6万人"]]), "r.xlsx")
    stored = db.exec(select(IndicatorResult)).one()
    assert (stored.forecast_text, stored.forecast_value) == ("2.6万人", Decimal(26000))
    view = next(iter(latest_results(session=db, project_ids=[project_id(db)]).values()))
    assert view.forecast_value == Decimal(26000)


def test_an_unreadable_result_forecast_is_a_row_error(db: Session) -> None:
    issue = one_issue(rejected(db, book(results=[[*res("1", "1300人", "2024-03-31"), "很多"]]), "r.xlsx"))
    assert issue.column == "全年预计完成值" and "全年预计完成值无法识别" in issue.message


def test_withdrawing_the_batch_brings_the_earlier_report_back(db: Session) -> None:
    upload(db, book(proj(forecast="170")), "a.xlsx")
    later = upload(db, book(proj(forecast="120")), "b.xlsx")
    assert later.batch_id is not None
    withdraw_batch(session=db, principal=ADMIN, batch_id=later.batch_id, reason="填错")
    pid = project_id(db)
    assert project_reports(session=db, project_ids=[pid])[pid].forecast_fen == 170_000_000


def test_the_variance_forecast_is_the_units_own_from_its_date_and_estimated_before(db: Session) -> None:
    """DOMAIN.md §3: the unit's own 全年预计执行数 where given (latest as_of ≤ the date), else （测算）."""
    upload(db, book(proj(as_of="2024-06-30", forecast="170")), "a.xlsx")
    pid = project_id(db)
    before = project_variance(
        rules=load_rules(), session=db, scope=ADMIN.scope, project_id=pid, as_of=date(2024, 6, 29)
    ).spend
    assert before.forecast_estimated is True
    after = project_variance(
        rules=load_rules(), session=db, scope=ADMIN.scope, project_id=pid, as_of=date(2024, 7, 15)
    ).spend
    assert (after.forecast_year_end_fen, after.forecast_estimated) == (170_000_000, False)


def test_an_indicators_forecast_in_monitoring_is_the_units_full_year_value_first(db: Session) -> None:
    """DOMAIN.md §4: "Forecast: the unit's own 全年预计完成值 where given; otherwise … marked （测算）"."""
    rows = [[*res("1", "1300人", "2024-03-31"), "2400人"], [*res("2", "80%", "2024-03-31"), ""]]
    upload(db, book(results=rows), "r.xlsx")
    lights = project_variance(
        rules=load_rules(), session=db, scope=ADMIN.scope, project_id=project_id(db), as_of=date(2024, 4, 1)
    )
    by_seq = {i.seq: i.progress for i in lights.indicators}
    assert (by_seq[1].forecast, by_seq[1].forecast_estimated) == (Decimal(2400), False)
    assert by_seq[2].forecast == Decimal(80)  # none given: a level indicator keeps its latest value


def test_a_later_report_without_a_forecast_keeps_the_units_earlier_one_in_the_lights(db: Session) -> None:
    """DOMAIN.md §4: the unit's own 全年预计完成值 where given: a June report with only the actual does not
    withdraw the forecast the unit gave in March, so the light's forecast stays the unit's, not （测算）."""
    upload(db, book(results=[[*res("1", "1300人", "2024-03-31"), "2400人"]]), "march.xlsx")
    upload(db, book(results=[[*res("1", "2000人", "2024-06-30"), ""]]), "june.xlsx")
    lights = variance_of(db, project_id=project_id(db), as_of=date(2024, 7, 1))
    first = next(i.progress for i in lights.indicators if i.seq == 1)
    assert (first.actual, first.forecast, first.forecast_estimated) == (Decimal(2000), Decimal(2400), False)


def variance_of(db: Session, *, project_id: int, as_of: date) -> ProjectVariance:
    """The project's variance by the shipped rules, as the admin sees it."""
    return project_variance(rules=load_rules(), session=db, scope=ADMIN.scope, project_id=project_id, as_of=as_of)
