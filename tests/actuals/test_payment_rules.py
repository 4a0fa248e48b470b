"""Every payment rule with a real file: the row as the spreadsheet numbers it, the column, the reason."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tests.actuals.helpers import (
    DEPT,
    P1,
    P10,
    PAY_EN,
    PAY_ZH,
    counts,
    csv_bytes,
    one_issue,
    pay,
    rejected,
    upload,
    xlsx_bytes,
)
from tracker.actuals.read import cumulative_paid
from tracker.models import Dept, Payment, Project

# (case, bad row, column, words the message holds)
CASES = [
    ("unknown unit", pay(dept="999999"), "单位编码", "未知单位编码“999999”"),
    ("unknown project", pay(code="NOPE"), "项目编码", "没有项目编码“NOPE”"),
    ("another unit's project", pay(code=P10), "项目编码", "不属于单位“314001”"),
    ("date that cannot be read", pay(day="05/03/2024"), "支付日期", "无法识别"),
    ("date that does not exist", pay(day="2024-02-30"), "支付日期", "不存在"),
    ("date outside the project's year", pay(day="2023-12-31"), "支付日期", "不在项目年度内"),
    ("date after today", pay(day="2099-01-01"), "支付日期", "晚于今天"),
    ("zero amount", pay(amount="0"), "金额（万元）", "应大于0"),
    ("negative amount", pay(amount="-5"), "金额（万元）", "应大于0"),
    ("amount finer than one fen", pay(amount="1.0000001"), "金额（万元）", "精度超过1分"),
    ("amount that is not a number", pay(amount="十万"), "金额（万元）", "不是数字"),
    ("amount without a date", pay(day=""), "支付日期", "必填"),
    ("date without an amount", pay(amount=""), "金额（万元）", "必填"),
    ("formula typed into a CSV", pay(amount="=1+1"), "金额（万元）", "公式"),
]


@pytest.mark.parametrize(("row", "column", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_payment_row_is_named_with_its_column_and_reason(
    db: Session, row: list[str], column: str, words: str
) -> None:
    data = csv_bytes(PAY_ZH, [pay(), row, pay(day="2024-03-06")])
    issue = one_issue(rejected(db, data))
    assert (issue.row, issue.column) == (3, column)
    assert words in issue.message


def test_every_bad_row_is_listed_before_answering(db: Session) -> None:
    rows = [pay(dept="999999"), pay(), pay(amount="0"), pay(day="2023-01-01", amount="x")]
    issues = rejected(db, csv_bytes(PAY_ZH, rows))
    assert [(i.row, i.column) for i in issues] == [
        (2, "单位编码"),
        (4, "金额（万元）"),
        (5, "金额（万元）"),
        (5, "支付日期"),
    ]


def test_cumulative_payments_above_budget_are_refused_at_the_row_that_passes_it(db: Session) -> None:
    issue = one_issue(rejected(db, csv_bytes(PAY_ZH, [pay(amount="100"), pay(amount="79.99"), pay(amount="0.02")])))
    assert issue.row == 4 and "超过项目预算 180.00 万元" in issue.message


def test_budget_check_counts_payments_already_stored(db: Session) -> None:
    upload(db, csv_bytes(PAY_ZH, [pay(amount="150")]))
    issue = one_issue(rejected(db, csv_bytes(PAY_ZH, [pay(amount="30.01")]), "second.csv"))
    assert "系统中已有 150.00 万元" in issue.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_utf8_bom_and_gb18030_reads_the_same(db: Session, encoding: str) -> None:
    summary = upload(db, csv_bytes(PAY_ZH, [pay(note="第一笔拨付")], encoding))
    assert summary.status == "applied" and summary.payments == 1
    assert db.exec(select(Payment.note)).one() == "第一笔拨付"


def test_english_headers_and_amounts_are_stored_as_integer_fen(db: Session) -> None:
    big = "13032224P00XC0610102D"  # budget 2000 万元
    summary = upload(db, csv_bytes(PAY_EN, [pay(amount="12.345678", code=big), pay(amount="1,000", code=big)]))
    assert summary.payments_wan == "1012.35"
    assert sorted(db.exec(select(Payment.amount_fen)).all()) == [12_345_678, 1_000_000_000]


def test_codes_are_read_as_text_and_keep_leading_zeros(db: Session) -> None:
    db.add(Dept(region_code="130322", code="012345", name="零字头单位"))
    db.flush()
    db.add(Project(year=2024, region_code="130322", dept_code="012345", code="0013", name="零字头项目",
                   budget_fen=10**8, fiscal_fen=10**8, other_fen=0))  # fmt: skip
    db.flush()
    upload(db, csv_bytes(PAY_ZH, [pay(dept="012345", code="0013")]))
    project = db.exec(select(Project).where(Project.code == "0013")).one()
    assert cumulative_paid(session=db, project_ids=[project.id or 0]) == {project.id: 10_000_000}
    issue = one_issue(rejected(db, csv_bytes(PAY_ZH, [pay(dept="000123")]), "b.csv"))
    assert "000123" in issue.message


def test_identical_payment_rows_in_one_file_are_warned_about_not_refused(db: Session) -> None:
    summary = upload(db, csv_bytes(PAY_ZH, [pay(), pay(), pay(day="2024-03-06")]))
    assert summary.payments == 3
    assert [(w.row, "与第2行完全相同" in w.message) for w in summary.warnings] == [(3, True)]


def test_unvouchered_row_equal_to_a_recorded_payment_is_refused_unless_duplicates_are_confirmed(db: Session) -> None:
    upload(db, csv_bytes(PAY_ZH, [pay(), pay(day="2024-03-06")]))
    later = csv_bytes(PAY_ZH, [pay(note="another file"), pay()])
    issue = one_issue(rejected(db, later, "later.csv"))
    assert (issue.row, issue.column) == (3, "金额（万元）")
    assert "与已记录的支付相同" in issue.message and "疑似重复" in issue.message
    confirmed = upload(db, later, "later.csv", allow_duplicates=True)
    assert confirmed.payments == 2
    assert [(w.row, "与已记录的支付相同" in w.message) for w in confirmed.warnings] == [(3, True)]


def test_untouched_template_rows_are_skipped_and_part_filled_rows_are_errors(db: Session) -> None:
    untouched = [DEPT, P1, "", "", ""]
    summary = upload(db, csv_bytes(PAY_ZH, [untouched, pay(), untouched]))
    assert (summary.payments, summary.skipped) == (1, 2)
    issues = rejected(db, csv_bytes(PAY_ZH, [untouched, [DEPT, P1, "", "", "只有备注"]]), "b.csv")
    assert [(i.row, i.column, i.message) for i in issues] == [
        (3, "支付日期", "必填，不能为空"),
        (3, "金额（万元）", "必填，不能为空"),
    ]


def test_workbook_rows_are_numbered_as_excel_shows_them_blank_rows_included(db: Session) -> None:
    data = xlsx_bytes({"支出": [PAY_ZH, pay(), [], [], pay(amount="0")]})
    assert one_issue(rejected(db, data, "q1.xlsx")).row == 5


def test_workbook_date_and_number_cells_are_read(db: Session) -> None:
    data = xlsx_bytes({"支出": [PAY_ZH, [DEPT, P1, date(2024, 3, 5), 12.34, "x"], [DEPT, P1, "2024-03-06", 7, ""]]})
    summary = upload(db, data, "q1.xlsx")
    assert summary.payments_wan == "19.34"
    assert counts(db)["payments"] == 2


def test_formula_cells_in_a_workbook_are_refused(db: Session) -> None:
    data = xlsx_bytes({"支出": [PAY_ZH, pay(), [DEPT, P1, "2024-03-06", "=D2*2", ""]]})
    issue = one_issue(rejected(db, data, "q1.xlsx"))
    assert (issue.row, issue.column, issue.sheet) == (3, "金额（万元）", "支出")
    assert "公式" in issue.message
