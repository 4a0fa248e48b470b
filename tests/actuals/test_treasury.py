"""Treasury payment exports (DOMAIN.md §7, INTERFACE.md "Upload files"): read through config/treasury.yaml,
the voucher is the payment's identity, an overlapping export books only what is new."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, col, select

from tests.actuals.helpers import DEPT, P1, counts, one_issue, rejected, upload
from tests.actuals.treasury_files import H1, H1_FEN, HEADER, Q1, Q1_FEN, export_csv, export_xls, export_xlsx, row
from tracker.actuals.read import cumulative_paid, paid_by_source
from tracker.actuals.treasury import load_mapping
from tracker.config import ROOT, get_settings
from tracker.core.budget import FundingSource
from tracker.errors import InvalidInput
from tracker.evaluation.service import evaluate
from tracker.models import AuditEntry, Payment, Project
from tracker.rules import load_rules
from tracker.scope import Scope

WRITERS: dict[str, tuple[Callable[..., bytes], str]] = {
    "csv": (export_csv, "zf.csv"),
    "xlsx": (export_xlsx, "zf.xlsx"),
    "xls": (export_xls, "zf.xls"),
}


def p1(session: Session) -> int:
    pid = session.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    assert pid is not None
    return pid


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_overlapping_exports_book_only_what_is_new_and_a_changed_amount_is_an_update(db: Session, fmt: str) -> None:
    write, name = WRITERS[fmt]
    pid = p1(db)
    first = upload(db, write(Q1), f"q1-{name}")
    assert (first.status, first.payments, first.payments_recorded) == ("applied", 3, 0)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN}

    second = upload(db, write(H1), f"h1-{name}")
    # ZF…101 and ZF…103 are recorded; ZF…102 changed by 0.50 元; three new rows (two refunds)
    assert (second.payments, second.payments_recorded, second.payments_updated) == (4, 2, 1)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: H1_FEN}
    stored = db.exec(select(Payment).where(Payment.project_id == pid, col(Payment.withdrawn).is_(False))).all()
    # a refund's identity is its voucher with the 退回 mark (identity.refund_identity)
    vouchers = [*(f"ZF202400010{i}" for i in range(1, 5)), "ZF2024000105-退回", "ZF2024000106-退回"]
    assert sorted(p.voucher for p in stored) == vouchers
    by_voucher = {p.voucher: p for p in stored}
    assert by_voucher["ZF2024000105-退回"].amount_fen == -500_000  # a negative amount is a refund
    assert by_voucher["ZF2024000106-退回"].amount_fen == -200_000  # so is a row flagged 退回
    assert by_voucher["ZF2024000101"].note == "1月救助金"  # 用途 → note
    updates = db.exec(select(AuditEntry).where(AuditEntry.action == "payment.update")).all()
    assert [(a.entity_id, a.field, a.old, a.new, a.batch_id) for a in updates] == [
        (by_voucher["ZF2024000102"].id, "amount_yuan", "50000.50", "50000.00", second.batch_id)
    ]
    # the same export a third time (another file name, same content) changes nothing
    assert upload(db, write(H1), f"again-{name}").status == "unchanged"


def test_funding_source_comes_from_the_export_through_the_mapping_words(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(H1))
    assert paid_by_source(session=db, project_ids=[pid])[pid] == {
        FundingSource.CURRENT: 10_000_000 + 3_000_000 - 500_000 - 200_000,
        FundingSource.CARRYOVER: 5_000_000,  # written 上年结转资金 in the export
        FundingSource.OTHER: 2_000_000,
    }


def test_self_evaluation_splits_spending_by_the_exports_funding_source(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(H1))
    (evaluation,) = evaluate(session=db, scope=Scope.everything(), project_id=pid, rules=load_rules())
    assert evaluation.executed is not None
    executed = evaluation.executed
    assert (executed.total_fen, executed.fiscal_fen, executed.carryover_fen, executed.other_fen) == (
        H1_FEN,
        10_000_000 + 3_000_000 - 500_000 - 200_000,
        5_000_000,
        2_000_000,
    )


def test_rows_for_unknown_projects_are_listed_and_nothing_is_written(db: Session) -> None:
    unknown = row("ZF2024000901", "2024-03-01", "10.00", code="13032224P99999999999 不存在的项目")
    other_unit = row("ZF2024000902", "2024-03-01", "10.00", unit="399999 不存在的单位")
    issues = rejected(db, export_csv([*Q1, unknown, other_unit]), "zf.csv")
    assert [(i.row, i.column) for i in issues] == [(5, "项目编码"), (6, "预算单位")]
    assert "没有项目编码“13032224P99999999999”" in issues[0].message
    assert "未知单位编码“399999”" in issues[1].message


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (row("ZF1", "2024-03-01", "12.345"), "实际支付金额", "精度超过1分（元最多2位小数）"),
        (row("ZF1", "2024-03-01", "0"), "实际支付金额", "金额不能为0"),
        (row("", "2024-03-01", "10"), "支付凭证号", "必填"),
        (row("ZF1", "2024-03-01", "10", source="专项债"), "资金性质", "资金性质“专项债”无法识别"),
        (row("ZF1", "2099-03-01", "10"), "支付日期", "晚于今天"),
    ],
)
def test_a_bad_row_rejects_the_whole_export(db: Session, cells: list[str], column: str, words: str) -> None:
    issues = rejected(db, export_csv([*Q1, cells]), "zf.csv")
    assert [(i.row, i.column) for i in issues] == [(5, column)]
    assert words in issues[0].message


def test_one_voucher_twice_in_an_export_is_an_error(db: Session) -> None:
    issue = one_issue(rejected(db, export_csv([*Q1, Q1[0]]), "zf.csv"))
    assert (issue.row, issue.column) == (5, "支付凭证号") and "与第2行重复" in issue.message


def test_amounts_in_yuan_are_converted_exactly_to_fen(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv([row("ZF1", "2024-03-01", "1,234,567.89"), row("ZF2", "2024-03-02", "0.01")]))
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: 123_456_789 + 1}


def test_another_provinces_column_names_need_only_another_mapping(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = yaml.safe_load((ROOT / "config" / "treasury.yaml").read_text(encoding="utf-8"))
    mapping["columns"] |= {"voucher": ["凭证编号"], "dept_code": ["单位名称及编码"], "amount": ["付款金额（元）"]}
    mapping["sources"]["上年结转"] = ["结余结转"]
    (tmp_path / "rules.yaml").write_text((ROOT / "config" / "rules.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "treasury.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path))
    get_settings.cache_clear()
    header = ["凭证编号", "单位名称及编码", *HEADER[2:8], "付款金额（元）", *HEADER[9:]]
    summary = upload(db, export_csv([row("HB-1", "2024-03-01", "100.00", source="结余结转")], header))
    assert summary.payments == 1
    stored = db.exec(select(Payment).where(Payment.voucher == "HB-1")).one()
    assert (stored.amount_fen, stored.source) == (10_000, "上年结转")
    get_settings.cache_clear()


def test_a_bad_mapping_names_its_key(tmp_path: Path) -> None:
    path = tmp_path / "treasury.yaml"
    path.write_text(yaml.safe_dump({"columns": {"voucher": ["凭证号"]}, "money_unit": "美元"}), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_mapping(path)
    assert "columns.dept_code" in caught.value.detail
    path.write_text("columns: {voucher: [a], dept_code: [b], project_code: [c], amount: [d], paid_on: [e]}\n"
                    "money_unit: 美元\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        load_mapping(path)
    assert "money_unit" in caught.value.detail


def test_dry_run_of_an_export_writes_nothing(db: Session) -> None:
    before = counts(db)
    summary = upload(db, export_csv(Q1), dry_run=True)
    assert (summary.status, summary.payments) == ("dry_run", 3)
    assert counts(db) == before
    assert DEPT in {p.dept_code for p in summary.periods}
