"""`tracker actuals template|upload|…` as operators script them (INTERFACE.md)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from tests.actuals.helpers import DEPT, PAY_ZH, counts, csv_bytes, pay
from tracker.cli import app

runner = CliRunner()
DATA = Path(__file__).resolve().parents[2] / "data" / "changli-2024-targets.txt"
LINE = re.compile(r"^row (\d+), column (.+?): (.+)$")


@pytest.fixture
def loaded(committed_db: Engine) -> Engine:
    assert runner.invoke(app, ["targets", "import", str(DATA)]).exit_code == 0
    return committed_db


def test_rejected_upload_exits_1_lists_every_bad_row_and_writes_nothing(loaded: Engine, tmp_path: Path) -> None:
    path = tmp_path / "q1.csv"
    path.write_bytes(csv_bytes(PAY_ZH, [pay(), pay(amount="0"), pay(day="2024-13-01")]))
    result = runner.invoke(app, ["actuals", "upload", str(path)])
    assert result.exit_code == 1
    lines = [m.groups() for line in result.stdout.splitlines() if (m := LINE.match(line))]
    assert lines == [("3", "金额（万元）", "金额应大于0"), ("4", "支付日期", "日期“2024-13-01”不存在")]
    with Session(loaded) as s:
        assert counts(s)["payments"] == 0


def test_accepted_upload_exits_0_and_the_same_file_again_changes_nothing(loaded: Engine, tmp_path: Path) -> None:
    path = tmp_path / "q1.csv"
    path.write_bytes(csv_bytes(PAY_ZH, [pay(), pay()]))
    dry = runner.invoke(app, ["actuals", "upload", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "未写入" in dry.stdout
    first = runner.invoke(app, ["actuals", "upload", str(path)])
    assert first.exit_code == 0 and "已写入批次" in first.stdout
    assert "警告：row 3, column 金额（万元）: 与第2行完全相同" in first.stdout
    again = runner.invoke(app, ["actuals", "upload", str(path)])
    assert again.exit_code == 0 and "未做任何修改" in again.stdout
    with Session(loaded) as s:
        assert counts(s)["payments"] == 2 and counts(s)["batches"] == 1


def test_missing_file_exits_2(loaded: Engine, tmp_path: Path) -> None:
    assert runner.invoke(app, ["actuals", "upload", str(tmp_path / "nope.csv")]).exit_code == 2


def test_template_command_writes_the_workbook_and_it_uploads_back(loaded: Engine, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["actuals", "template", "--dept", DEPT, "--year", "2024", "--out", str(out)])
    assert result.exit_code == 0
    book = load_workbook(out)
    book["支出"]["G3"], book["支出"]["H3"] = date(2024, 5, 20), 12
    filled = tmp_path / "filled.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    filled.write_bytes(buffer.getvalue())
    assert runner.invoke(app, ["actuals", "upload", str(filled)]).exit_code == 0
    unknown = runner.invoke(app, ["actuals", "template", "--dept", "999999", "--year", "2024", "--out", str(out)])
    assert unknown.exit_code == 1


def test_quarter_commands_submit_approve_and_unlock(loaded: Engine, tmp_path: Path) -> None:
    submitted = runner.invoke(app, ["actuals", "submit", "--dept", DEPT, "--year", "2024", "--quarter", "1"])
    sid = json.loads(submitted.stdout)["id"]
    approved = runner.invoke(app, ["actuals", "approve", str(sid), "--comment", "同意"])
    assert json.loads(approved.stdout)[0]["status"] == "approved"
    path = tmp_path / "late.csv"
    path.write_bytes(csv_bytes(PAY_ZH, [pay()]))
    refused = runner.invoke(app, ["actuals", "upload", str(path)])
    assert refused.exit_code == 1 and "审核锁定" in refused.stdout
    assert runner.invoke(app, ["actuals", "unlock", str(sid), "--reason", "更正"]).exit_code == 0
    assert runner.invoke(app, ["actuals", "upload", str(path)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["actuals", "submissions", "--year", "2024"]).stdout)
    assert listed["items"][0]["status"] == "unlocked"
    batches = json.loads(runner.invoke(app, ["actuals", "batches"]).stdout)
    assert batches["total"] == 1
    withdrawn = runner.invoke(app, ["actuals", "withdraw", str(batches["items"][0]["id"]), "--reason", "重报"])
    assert withdrawn.exit_code == 0 and "已撤回" in withdrawn.stdout


def test_whole_file_refusal_is_one_line_naming_the_file(loaded: Engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(app, ["actuals", "upload", str(path)])
    assert result.exit_code == 1 and result.stdout.splitlines()[0] == "file: 文件为空"
