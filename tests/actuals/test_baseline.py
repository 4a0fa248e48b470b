"""上年值 (baseline): a 较上年提高-style target reported as a number with last year's value, from upload to score.

P1 (table 1): seq 6 较上年提高 and seq 5 进一步提高 are qualitative with direction up, 10 points each
(效益指标 30 split over its 3 indicators); seq 1 is ≥2500人. P5 (table 5): seq 5 进一步减轻, direction down,
10 points. P30 (table 30): seq 6 进一步满足人民群众文化生活需要 names no direction.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.actuals.helpers import (
    DEPT,
    P1,
    RES_EN,
    RES_ZH,
    counts,
    csv_bytes,
    one_issue,
    rejected,
    res,
    upload,
)
from tracker.actuals.audit import list_audit
from tracker.actuals.template import template_bytes
from tracker.evaluation.export import project_self_evaluation
from tracker.evaluation.service import evaluate
from tracker.models import IndicatorResult, Project
from tracker.rules import load_rules
from tracker.scope import Scope

P5 = "13032224P00XC0610106U"
DEPT30, P30 = "357005", "13032224P008JC410083A"
HEADER = [*RES_ZH, "上年值"]
YEAR_END = "2024-12-31"


def row(seq: str, actual: str, baseline: str, *, dept: str = DEPT, code: str = P1, score: str = "") -> list[str]:
    return [*res(seq, actual, YEAR_END, dept=dept, code=code, score=score), baseline]


def project_id(db: Session, code: str) -> int:
    return db.exec(select(Project.id).where(Project.code == code)).one() or 0


def test_a_number_with_last_years_value_is_stored_for_a_relative_target(db: Session) -> None:
    rows = [row("6", "1280人", "0.12万人"), row("5", "达成年度指标", "1200"), row("1", "2600人", "2450")]
    assert upload(db, csv_bytes(HEADER, rows)).results_new == 3
    stored = {r.row_no: r for r in db.exec(select(IndicatorResult))}
    # seq 6 has no unit of its own: both kept in the actual's unit, 0.12万人 → 1200人
    assert (stored[2].actual_value, stored[2].baseline_text, stored[2].baseline_value) == (1280, "0.12万人", 1200)
    assert (stored[3].grade, stored[3].baseline_value) == ("达成年度指标", 1200)  # a grade still scores by itself
    assert (stored[4].actual_value, stored[4].baseline_value) == (2600, 2450)  # in the target's unit (人)


def test_the_english_header_reads_the_same_column(db: Session) -> None:
    upload(db, csv_bytes([*RES_EN, "baseline"], [row("6", "1280", "1200")]))
    assert db.exec(select(IndicatorResult.baseline_value)).one() == Decimal(1200)


def test_template_has_the_column_and_lets_a_number_be_typed_for_a_relative_target(db: Session) -> None:
    book = load_workbook(
        io.BytesIO(template_bytes(rules=load_rules(), session=db, scope=Scope.everything(), dept_code=DEPT, year=2024))
    )
    sheet = book["指标"]
    assert (sheet["J1"].value, sheet["K1"].value) == ("实际完成值", "上年值")
    styles = {str(v.sqref): v.errorStyle for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert styles["J7"] == "information"  # seq 6 较上年提高: the grade list only suggests, a number may be typed
    assert "上年值" in "".join(str(c.value) for c in book["说明"]["A"])
    sheet["I7"], sheet["J7"], sheet["K7"] = date(2024, 12, 31), 1280, 1200
    out = io.BytesIO()
    book.save(out)
    assert upload(db, out.getvalue(), "filled.xlsx").results_new == 1
    stored = db.exec(select(IndicatorResult)).one()
    assert (stored.actual_text, stored.baseline_text, stored.baseline_value) == ("1280", "1200", 1200)


def test_a_number_without_last_years_value_is_still_refused(db: Session) -> None:
    issue = one_issue(rejected(db, csv_bytes(HEADER, [row("6", "1280", "")])))
    assert (issue.row, issue.column) == (2, "实际完成值")
    assert "上年值" in issue.message and "评价等级" in issue.message


BAD = [
    ("baseline that is not a number", row("6", "1280", "很多"), "“很多”不是数值"),
    ("grade as a baseline", row("6", "1280", "达成年度指标"), "评价等级“达成年度指标”不是上年值"),
    ("baseline in a unit the actual is not in", row("6", "1280人", "1200元"), "无法换算为实际完成值的单位“人”"),
    ("baseline in a unit the target is not in", row("1", "2600人", "26公斤"), "无法换算为指标单位“人”"),
    ("baseline for a target without a direction", row("6", "达成年度指标", "1200", dept=DEPT30, code=P30),
     "没有提高或降低的方向"),
]  # fmt: skip


@pytest.mark.parametrize(("bad_row", "words"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_baseline_is_named_with_its_row_and_column(db: Session, bad_row: list[str], words: str) -> None:
    issue = one_issue(rejected(db, csv_bytes(HEADER, [row("8", "96%", ""), bad_row])))
    assert (issue.row, issue.column) == (3, "上年值")
    assert issue.message.startswith("上年值无法识别：") and words in issue.message, issue.message


def test_a_score_is_not_given_with_a_number(db: Session) -> None:
    issue = one_issue(rejected(db, csv_bytes(HEADER, [row("6", "1280", "1200", score="9")])))
    assert (issue.row, issue.column) == (2, "得分") and "按与上年值的比较计分" in issue.message


# Both targets are worth 10 points (效益指标 30 over 3 indicators). Moved in the target's direction →
# 达成年度指标 at its default share 100%: 10 × 1 = 10.00; not moved (same or the other way) →
# 未达成年度指标且效果较差 at 30%: 10 × 0.3 = 3.00.
SCORES = [
    ("up, higher than last year", P1, "6", "1280", "1200", Decimal("10.00")),
    ("up, same as last year", P1, "6", "1200", "1200", Decimal("3.00")),
    ("up, lower than last year", P1, "6", "1100人", "1200人", Decimal("3.00")),
    ("down, lower than last year", P5, "5", "95%", "98%", Decimal("10.00")),
    ("down, higher than last year", P5, "5", "99%", "98%", Decimal("3.00")),
]


@pytest.mark.parametrize(("code", "seq", "actual", "baseline", "score"), [c[1:] for c in SCORES],
                         ids=[c[0] for c in SCORES])  # fmt: skip
def test_year_end_score_follows_the_direction_from_last_years_value(
    db: Session, code: str, seq: str, actual: str, baseline: str, score: Decimal
) -> None:
    upload(db, csv_bytes(HEADER, [row(seq, actual, baseline, code=code)]))
    (ev,) = evaluate(rules=load_rules(), session=db, scope=Scope.everything(), project_id=project_id(db, code))
    got = ev.rows[int(seq) - 1]
    assert (got.score, got.points, got.actual, got.actual_text) == (score, 10, None, f"{actual}（上年{baseline}）")
    assert ev.problems == []


def test_self_evaluation_workbook_shows_the_actual_with_last_years_value(db: Session) -> None:
    upload(db, csv_bytes(HEADER, [row("6", "1280", "1200"), row("1", "2600人", "2450人")]))
    _name, data = project_self_evaluation(
        rules=load_rules(), session=db, scope=Scope.everything(), project_id=project_id(db, P1)
    )
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [ws[f"{c}18"].value for c in "EFGH"] == ["较上年提高", "1280（上年1200）", 10, 10]
    assert ws["F13"].value == 2600  # a quantitative target is still written as a number, scored by formula


def test_the_same_results_again_write_nothing_and_a_changed_baseline_is_audited(db: Session) -> None:
    data = csv_bytes(HEADER, [row("6", "1280", "1200"), row("1", "2600人", "")])
    upload(db, data, "first.csv")
    before = counts(db)
    assert upload(db, data, "first.csv").status == "unchanged"  # the same file
    again = upload(db, csv_bytes(HEADER, [row("1", "2600人", ""), row("6", "1280", "1200")]), "second.csv")
    assert (again.status, again.results_unchanged) == ("unchanged", 2)  # the same values in another file
    assert counts(db) == before
    changed = upload(db, csv_bytes(HEADER, [row("6", "1280", "1250")]), "third.csv")
    assert (changed.results_changed, changed.results_new) == (1, 0)
    items, _ = list_audit(session=db, scope=Scope.everything(), batch_id=changed.batch_id or 0)
    assert [(e.field, e.old, e.new) for e in items] == [("baseline_text", "1200", "1250")]
    current = db.exec(select(IndicatorResult).where(IndicatorResult.is_current == True)).all()  # noqa: E712
    assert sorted(r.baseline_value or 0 for r in current) == [0, 1250]
