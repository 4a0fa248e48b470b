"""Every indicator-result rule with a real file, and how a later value supersedes an earlier one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from tests.actuals.helpers import DEPT27, P27, RES_EN, RES_ZH, counts, csv_bytes, one_issue, rejected, res, upload
from tracker.actuals.read import latest_results, result_history
from tracker.models import Indicator, IndicatorResult, Project

GRADE_PARTIAL = "部分达成年度指标并具有一定效果"

# (case, bad row, column, words the message holds); P1: seq 1 ≥2500人, seq 5 qualitative (10 points)
CASES = [
    ("name that occurs twice in the project", res("", "100%", name="任务完成及时率", dept=DEPT27, code=P27),
     "三级指标", "出现多次（第10、12项），请填写指标序号"),
    ("sequence number not in the project", res("99"), "指标序号", "没有第99项指标"),
    ("sequence number that is not a number", res("一"), "指标序号", "不是整数"),
    ("name not in the project", res("", name="不存在的指标"), "三级指标", "没有名为"),
    ("name that contradicts the sequence number", res("1", name="受助对象满意率"), "三级指标", "与填写的"),
    ("actual that cannot be read", res("1", "很多"), "实际完成值", "无法识别"),
    ("actual whose unit cannot be converted", res("1", "26公斤"), "实际完成值", "无法换算"),
    ("grade that is not one of the three", res("5", "优秀"), "实际完成值", "评价等级"),
    ("number for a qualitative indicator", res("5", "95"), "实际完成值", "评价等级"),
    ("score outside its grade's band", res("5", GRADE_PARTIAL, score="9"), "得分", "[6.00, 8.00)"),
    ("score for a number scored by formula", res("1", "2600人", score="5"), "得分", "按公式计分"),
    ("score that is not a number", res("5", GRADE_PARTIAL, score="七"), "得分", "不是数字"),
    ("likelihood not in the list", res(likelihood="可能吧"), "完成目标可能性", "确定能"),
    ("reason category not in the list", res(category="天气"), "偏差原因类别", "经费保障"),
    ("date outside the project's year", res(as_of="2025-01-01"), "截至日期", "晚于今天|不在项目年度内"),
    ("actual without a date", res(as_of=""), "截至日期", "必填"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "column", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_result_row_is_named_with_its_column_and_reason(
    db: Session, row: list[str], column: str, words: str
) -> None:
    issue = one_issue(rejected(db, csv_bytes(RES_ZH, [res("8", "96%"), row])))
    assert (issue.row, issue.column) == (3, column)
    assert any(w in issue.message for w in words.split("|")), issue.message


@pytest.mark.parametrize("likelihood", ["有可能", "完全不可能"])
def test_doubtful_likelihood_requires_reason_and_measures(db: Session, likelihood: str) -> None:
    issues = rejected(db, csv_bytes(RES_ZH, [res(likelihood=likelihood)]))
    assert [(i.row, i.column) for i in issues] == [(2, "偏差原因"), (2, "改进措施")]
    ok = res(likelihood=likelihood, category="经费保障", reason="资金未到位", measures="加快拨付")
    assert upload(db, csv_bytes(RES_ZH, [ok])).results_new == 1


def test_same_indicator_and_date_twice_in_one_file_is_an_error(db: Session) -> None:
    issue = one_issue(rejected(db, csv_bytes(RES_ZH, [res("1", "2600人"), res("1", "2700人")])))
    assert issue.row == 3 and "与第2行是同一指标" in issue.message


def test_actual_is_converted_to_the_target_unit_and_a_grade_scores_inside_its_band(db: Session) -> None:
    rows = [res("1", "0.26万人"), res("5", GRADE_PARTIAL, score="7.5"), res("8", "97％")]
    summary = upload(db, csv_bytes(RES_EN, rows))
    assert summary.results_new == 3 and summary.projects == 1
    stored = {r.row_no: r for r in db.exec(select(IndicatorResult))}
    assert stored[2].actual_value == Decimal(2600)
    assert (stored[3].grade, stored[3].score) == (GRADE_PARTIAL, Decimal("7.50"))
    assert stored[4].actual_value == Decimal(97)


def test_indicator_may_be_named_when_its_name_is_unique(db: Session) -> None:
    summary = upload(db, csv_bytes(RES_ZH, [res("", "2600人", name="困难残疾人受救助人数")]))
    assert summary.results_new == 1


def test_later_value_for_the_same_date_supersedes_and_history_is_kept(db: Session) -> None:
    upload(db, csv_bytes(RES_ZH, [res("1", "2600人"), res("1", "1000人", "2024-02-29")]), "first.csv")
    second = upload(db, csv_bytes(RES_ZH, [res("1", "2700人")]), "second.csv")
    assert (second.results_new, second.results_changed) == (0, 1)
    project = db.exec(select(Project).where(Project.heading_no == 1)).one()
    ind = db.exec(select(Indicator).where(Indicator.project_id == project.id, Indicator.seq == 1)).one()
    rows = db.exec(
        select(IndicatorResult).where(IndicatorResult.indicator_id == ind.id).order_by(col(IndicatorResult.id))
    )
    assert [(r.actual_text, r.is_current) for r in rows] == [("2600人", False), ("1000人", True), ("2700人", True)]
    assert latest_results(session=db, project_ids=[project.id or 0])[ind.id or 0].actual_text == "2700人"
    assert [v.actual_text for v in result_history(session=db, project_ids=[project.id or 0])[ind.id or 0]] == [
        "1000人",
        "2700人",
    ]


def test_identical_results_in_another_file_write_no_rows_and_no_audit(db: Session) -> None:
    rows = [res("1", "2600人"), res("5", GRADE_PARTIAL, score="7")]
    upload(db, csv_bytes(RES_ZH, rows), "first.csv")
    before = counts(db)
    again = upload(db, csv_bytes(RES_EN, list(reversed(rows))), "second.csv")
    assert again.status == "unchanged" and again.results_unchanged == 2 and again.batch_id is None
    assert counts(db) == before
