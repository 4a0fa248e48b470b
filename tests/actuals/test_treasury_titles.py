"""Real treasury exports (国库集中支付明细) start with a title, a date range or blank lines before the header:
the header is the first of the first rows that holds every required column of the mapping, and rows are
numbered as the file shows them (DOMAIN.md §7, INTERFACE.md "Upload files")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from sqlmodel import Session, select

from tests.actuals.helpers import P1, rejected, upload
from tests.actuals.treasury_files import HEADER, Q1, Q1_FEN, export_csv, export_xls, export_xlsx, row
from tracker.actuals.read import cumulative_paid
from tracker.models import Project

TITLE: list[list[str]] = [["国库集中支付明细"], ["支付日期：2024-01-01 至 2024-03-31"], []]
WRITERS: dict[str, tuple[Callable[..., bytes], str]] = {
    "csv": (export_csv, "zf.csv"),
    "xlsx": (export_xlsx, "zf.xlsx"),
    "xls": (export_xls, "zf.xls"),
}


def titled(write: Callable[..., bytes], rows: Sequence[Sequence[str]]) -> bytes:
    """The export with three lines above its header: the header row is the file's row 4."""
    return write([*TITLE[1:], HEADER, *rows], header=TITLE[0])


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_the_header_below_title_lines_is_found_and_the_rows_are_read(db: Session, fmt: str) -> None:
    write, name = WRITERS[fmt]
    pid = db.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    summary = upload(db, titled(write, Q1), name)
    assert (summary.status, summary.payments) == ("applied", 3)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_row_numbers_under_title_lines_are_the_files_own(db: Session, fmt: str) -> None:
    write, name = WRITERS[fmt]
    issues = rejected(db, titled(write, [*Q1, row("ZF9", "2024-03-01", "abc")]), name)
    # title, date range, blank line, header (row 4), three good rows (5–7): the bad one is row 8
    assert [(i.row, i.column) for i in issues] == [(8, "实际支付金额")]


def test_a_csv_row_too_long_under_title_lines_is_named_by_its_file_line(db: Session) -> None:
    data = titled(export_csv, [*Q1, [*Q1[0][:-1], "1", "2"]])
    issues = rejected(db, data, "zf.csv")
    assert len(issues) == 1 and "第8行" in issues[0].message, [i.line() for i in issues]
