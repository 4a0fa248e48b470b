"""Whole-file checks: empty, wrong type, too large, zip bombs, unreadable headers; workbooks with both sheets."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session

from tests.actuals.helpers import PAY_ZH, RES_ZH, csv_bytes, one_issue, pay, rejected, res, upload, xlsx_bytes
from tracker.actuals.report import UploadRejected
from tracker.config import ROOT, get_settings


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Uploads limited to 20 KB for the test (TRACKER_UPLOAD_MAX_BYTES)."""
    monkeypatch.setenv("TRACKER_UPLOAD_MAX_BYTES", str(20_000))
    get_settings.cache_clear()
    yield 20_000
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "q1.csv", "文件为空"),
        (b"\xef\xbb\xbf\r\n", "q1.csv", "文件为空"),
        (csv_bytes(PAY_ZH, []), "q1.csv", "没有需要上报的数据"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "report.pdf", "文件类型不受支持"),
        # .xls is read (treasury exports, INTERFACE.md): a damaged or encrypted one is refused as unreadable
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls", "无法读取 .xls 工作簿"),
        (b"PK\x03\x04" + b"\x00" * 100, "broken.xlsx", "已损坏"),
        ("名称,数量\n甲,1\n".encode(), "other.csv", "无法判断文件内容"),
        ("单位编码,项目编码,金额（万元）\n314001,X,1\n".encode(), "q1.csv", "缺少必填列“支付日期”"),
        ("单位编码,项目编码,支付日期,金额,金额（万元）\n".encode(), "q1.csv", "重复"),
        (b"\xff\xfe" + "单位编码".encode("utf-16-le"), "q1.csv", "不支持 UTF-16"),
    ],
    ids=[
        "empty",
        "bom only",
        "header only",
        "pdf",
        "xls",
        "damaged zip",
        "unknown columns",
        "missing column",
        "duplicate column",
        "utf-16",
    ],
)
def test_file_that_cannot_be_used_is_refused_as_a_whole(db: Session, data: bytes, filename: str, words: str) -> None:
    issue = one_issue(rejected(db, data, filename))
    assert words in issue.message


def test_word_document_is_not_taken_for_a_workbook(db: Session) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel 工作簿" in one_issue(rejected(db, buffer.getvalue(), "letter.xlsx")).message


def test_file_over_the_size_limit_is_refused(db: Session, small_limit: int) -> None:
    rows = [pay(day="2024-03-05", amount="0.01", note="x" * 100)] * 300
    assert "超过上限 0.0 MB" in one_issue(rejected(db, csv_bytes(PAY_ZH, rows))).message


def test_workbook_that_expands_beyond_a_sane_size_is_refused_before_it_is_opened(db: Session, small_limit: int) -> None:
    real = xlsx_bytes({"支出": [PAY_ZH, pay()]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        bomb.writestr("xl/media/padding.bin", b"\x00" * 5_000_000)  # 5 MB of zeros deflate to about 5 KB
    data = buffer.getvalue()
    assert len(data) < small_limit
    assert "疑似压缩炸弹" in one_issue(rejected(db, data, "bomb.xlsx")).message


def test_workbook_with_both_sheets_is_one_batch(db: Session) -> None:
    data = xlsx_bytes({"说明": [["填表说明"]], "支出": [PAY_ZH, pay()], "指标": [RES_ZH, res()]})
    summary = upload(db, data, "q1.xlsx")
    assert (summary.payments, summary.results_new, summary.batch_id is not None) == (1, 1, True)


def test_errors_in_a_workbook_name_their_sheet(db: Session) -> None:
    data = xlsx_bytes({"支出": [PAY_ZH, pay(amount="0")], "指标": [RES_ZH, res("99")]})
    issues = rejected(db, data, "q1.xlsx")
    assert [i.line() for i in issues] == [
        "[支出] row 2, column 金额（万元）: 金额应大于0",
        "[指标] row 2, column 指标序号: 项目中没有第99项指标",
    ]


def test_single_sheet_workbook_is_told_by_its_columns(db: Session) -> None:
    assert upload(db, xlsx_bytes({"Sheet1": [PAY_ZH, pay()]}), "q1.xlsx").payments == 1


def test_dry_run_reports_the_same_and_writes_nothing(db: Session) -> None:
    data = csv_bytes(PAY_ZH, [pay(), pay(day="2024-03-06")])
    dry = upload(db, data, dry_run=True)
    assert (dry.status, dry.payments, dry.batch_id) == ("dry_run", 2, None)
    applied = upload(db, data)
    assert (applied.status, applied.payments, applied.payments_wan) == ("applied", 2, dry.payments_wan)


def test_a_refusal_lists_up_to_the_configured_number_of_rows_and_counts_them_all(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = yaml.safe_load((ROOT / "config" / "rules.yaml").read_text(encoding="utf-8"))
    rules["actuals"] = {"max_listed_rows": 3}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        with pytest.raises(UploadRejected) as caught:
            upload(db, csv_bytes(PAY_ZH, [pay(amount="0")] * 5))
    finally:
        get_settings.cache_clear()
    assert ([i.row for i in caught.value.issues], caught.value.total) == ([2, 3, 4], 5)
    assert "5 处错误" in caught.value.detail
