"""How an upload's payments are written in bulk (writing.insert): every row, whatever the number of
statements it takes, and a project's payments in the file's order although rows go in project order."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import Session, col, select

from tests.actuals.helpers import ADMIN, DEPT, PAY_ZH, csv_bytes, pay, upload
from tracker.actuals.batches import list_payments
from tracker.bulk import ROWS_PER_INSERT
from tracker.models import Payment, Project


def _codes(db: Session, n: int) -> list[str]:
    """Codes of n projects of the unit in 2024."""
    query = select(Project.code).where(Project.dept_code == DEPT, Project.year == 2024).order_by(col(Project.code))
    codes = list(db.exec(query).all())[:n]
    assert len(codes) == n
    return codes


def test_every_row_is_written_over_full_statements_and_the_last_part(db: Session) -> None:
    """Rows go ROWS_PER_INSERT a statement: a file of two full statements and 5 rows more loses none."""
    total = 2 * ROWS_PER_INSERT + 5
    codes = _codes(db, 3)
    rows = [pay(amount=f"0.{i + 1:04d}", note=f"第{i}笔", code=codes[i % 3]) for i in range(total)]
    summary = upload(db, csv_bytes(PAY_ZH, rows))
    query = select(Payment.row_no, Payment.amount_fen, Payment.note).where(Payment.batch_id == summary.batch_id)
    stored = sorted(db.exec(query).all())
    assert stored == [(i + 2, (i + 1) * 100, f"第{i}笔") for i in range(total)]  # 0.0001 万元 = 100 fen


def test_values_every_row_shares_are_bound_once_and_stored_in_every_row(db: Session) -> None:
    """A value the rows share (the batch, withdrawn, one 资金性质 for the file) is bound once a statement
    (bulk.insert_columns: ?1…); each row still stores it, and a file of mixed 资金性质 keeps each row's own, over
    full statements and the last part alike."""
    total = ROWS_PER_INSERT + 7
    code = _codes(db, 1)[0]
    header = [*PAY_ZH, "资金性质"]
    for n, sources in enumerate((["上年结转"], ["本年财政拨款", "上年结转", "其他资金"])):
        rows = [
            [*pay(amount=f"0.{i + 1:04d}", note=f"{n}-{i}", code=code), sources[i % len(sources)]] for i in range(total)
        ]
        summary = upload(db, csv_bytes(header, rows))
        query = select(Payment.row_no, Payment.source, Payment.withdrawn).where(Payment.batch_id == summary.batch_id)
        stored = sorted(db.exec(query).all())
        assert stored == [(i + 2, sources[i % len(sources)], False) for i in range(total)]


def test_a_projects_payments_of_one_day_are_listed_in_the_files_order(db: Session) -> None:
    """Rows are inserted in project order, stably: within a project, ids (and so the listing of a day's
    payments, by date then id) follow the file's rows, however the file interleaves the projects."""
    codes = _codes(db, 3)
    rows = [pay(amount="0.01", note=f"第{i}笔", code=codes[i % 3]) for i in range(90)]
    summary = upload(db, csv_bytes(PAY_ZH, rows))
    for code in codes:
        project_id = db.exec(select(Project.id).where(Project.code == code, Project.year == 2024)).one()
        listed, _ = list_payments(session=db, scope=ADMIN.scope, project_id=project_id, limit=1000)
        mine = [p.row_no for p in listed if p.batch_id == summary.batch_id]
        assert len(mine) == 30
        assert mine == sorted(mine)


def test_the_upload_command_does_not_import_the_web_framework() -> None:
    """`tracker actuals upload` imports the upload service; FastAPI stays unloaded (start-up time)."""
    code = "import sys, tracker.cli, tracker.actuals.service; print('fastapi' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
