"""Fuzzing the upload readers (CSV and XLSX, payments and results) through the upload service itself.

Each example uploads for real on SQLite and PostgreSQL inside a savepoint that is rolled back. It must
be applied, or refused with the domain's error listing rows; never a traceback, never beyond the time
limit. An accepted payments file stores exactly the amounts that were written (an unquoted `1,000.00`
must not become 1.00 万元).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.engine import Connection
from sqlmodel import Session

from tests.actuals.conftest import loaded  # noqa: F401  (the 昌黎县 targets, once per module and database)
from tests.actuals.helpers import ADMIN, DEPT, P1, P10, PAY_EN, PAY_ZH, RES_EN, RES_ZH, xlsx_bytes
from tests.fuzz.limits import outcome
from tracker.actuals import service
from tracker.actuals.report import UploadRejected
from tracker.actuals.schemas import UploadSummary
from tracker.rules import load_rules

pytestmark = pytest.mark.fuzz

BIG = "13032224P00XC0610102D"  # 2000 万元, unit 314001
CODES = st.sampled_from([P1, BIG, P10, "", "13032224P00XC061010", "X" * 300, "1e5", "0" * 30])
DEPTS = st.sampled_from([DEPT, "320001", "", "314001 ", "3140010", "９９", "\x00"])
DAYS = st.sampled_from(
    [
        "2024-03-05",
        "2024/3/5",
        "2024年3月5日",
        "2024-02-30",
        "2023-12-31",
        "0-0-0",
        "45000",
        "99999-01-01",
        "",
        "2024-13-01",
        "today",
        "2024-03-05T10:00",
    ]
) | st.text(max_size=12)
AMOUNTS = st.sampled_from(
    [
        "10",
        "0.01",
        "1,000.00",
        "1,00",
        "-5",
        "0",
        "NaN",
        "Infinity",
        "1e1200000",
        "9" * 400,
        "0.0000001",
        "１２",
        " 3 ",
        "1e3",
        "",
    ]
) | st.decimals(places=2, min_value=0, max_value=50).map(str)
SEQS = st.sampled_from(["1", "1.7", "1e1200000", "9" * 400, "-1", "0", "8", "99999999999999999999", "1.0", ""])
ACTUALS = st.sampled_from(["2600人", "97%", "NaN%", "Infinity", "1e1200000人", "达成年度指标", "", "9" * 400 + "人"])
TEXT = st.text(max_size=20) | st.sampled_from(['"', '""', "\x00", "=1+1", "a,b", "x" * 5000, "\r\n"])


@pytest.fixture
def upload_one(loaded: Connection) -> Iterator[Any]:  # noqa: F811
    """Upload in a savepoint that is rolled back: the outcome (a summary or the domain's error)."""

    def run(data: bytes, filename: str) -> UploadSummary | Exception:
        nested = loaded.begin_nested()
        try:
            with Session(bind=loaded, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
                return outcome(
                    lambda: service.upload(
                        rules=load_rules(), session=s, source=data, filename=filename, principal=ADMIN
                    )
                )
        finally:
            if nested.is_active:
                nested.rollback()

    yield run


def wan(text: str) -> Decimal | None:
    """What an amount as written means, when it is a plain amount in 万元 (commas as thousands)."""
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def written(header: list[str], rows: list[list[str]], quoted: bool, encoding: str) -> bytes:
    if quoted:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
        text = buffer.getvalue()
    else:  # as a hand-made file would be: no quoting at all
        text = "\n".join(",".join(r) for r in [header, *rows])
    return text.encode(encoding, errors="replace")


def refused_cleanly(got: object) -> None:
    assert isinstance(got, UploadRejected), got
    assert got.issues, "a refusal that lists no row"
    for issue in got.issues:
        assert issue.message.strip()


@given(
    rows=st.lists(st.tuples(DEPTS, CODES, DAYS, AMOUNTS, TEXT), min_size=1, max_size=6),
    header=st.sampled_from([PAY_ZH, PAY_EN, PAY_ZH[:4], [*PAY_ZH, "多余"], PAY_ZH[::-1]]),
    extra=st.booleans(),
    quoted=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_a_payments_csv_is_stored_as_written_or_refused_by_row(
    upload_one: Any, rows: list[tuple[str, ...]], header: list[str], extra: bool, quoted: bool, encoding: str
) -> None:
    body = [list(r)[: len(header)] + (["多出的一格"] if extra else []) for r in rows]
    got = upload_one(written(header, body, quoted, encoding), "payments.csv")
    if not isinstance(got, UploadSummary):
        refused_cleanly(got)
        return
    assert got.status in ("applied", "unchanged"), got
    assert not extra or header == [*PAY_ZH, "多余"] or got.payments == 0, "a row longer than its header was taken"
    at = header.index("金额（万元）") if "金额（万元）" in header else header.index("amount_wan")
    amounts = [wan(r[at]) for r in body if r[at].strip()]
    assert None not in amounts, f"accepted an amount that is not one: {[r[at] for r in body]}"
    assert Decimal(got.payments_wan) == sum(amounts, Decimal(0)), "stored amounts differ from those written"


@given(
    rows=st.lists(st.tuples(SEQS, DAYS, ACTUALS, TEXT), min_size=1, max_size=5),
    english=st.booleans(),
    quoted=st.booleans(),
)
def test_a_results_csv_is_applied_or_refused_by_row(
    upload_one: Any, rows: list[tuple[str, ...]], english: bool, quoted: bool
) -> None:
    header = RES_EN if english else RES_ZH
    body = [[DEPT, P1, seq, "", day, actual, "", "", "", reason, ""] for seq, day, actual, reason in rows]
    got = upload_one(written(header, body, quoted, "utf-8"), "results.csv")
    if not isinstance(got, UploadSummary):
        refused_cleanly(got)
        return
    for seq, *_ in rows:
        assert seq.strip() == "" or Decimal(seq) == int(Decimal(seq)), f"指标序号 {seq} was taken as a whole number"


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    (TEXT | AMOUNTS).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),  # a workbook cannot hold them
)


def _storable(value: Any) -> Any:
    """A cell as a workbook can hold it (control characters cannot be written by any Excel)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@given(
    pay_rows=st.lists(st.tuples(DEPTS | CELLS, CODES | CELLS, DAYS | CELLS, AMOUNTS | CELLS, CELLS), max_size=4),
    res_rows=st.lists(st.tuples(SEQS | CELLS, DAYS | CELLS, ACTUALS | CELLS), max_size=4),
)
def test_a_workbook_of_any_cells_is_applied_or_refused_by_row(
    upload_one: Any, pay_rows: list[tuple[Any, ...]], res_rows: list[tuple[Any, ...]]
) -> None:
    results = [[DEPT, P1, seq, "", day, actual, "", "", "", "", ""] for seq, day, actual in res_rows]
    payments = [[_storable(v) for v in row] for row in pay_rows]
    results = [[_storable(v) for v in row] for row in results]
    data = xlsx_bytes({"支出": [PAY_ZH, *payments], "指标": [RES_ZH, *results]})
    got = upload_one(data, "q1.xlsx")
    if not isinstance(got, UploadSummary):
        refused_cleanly(got)


@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x"]))
def test_arbitrary_bytes_are_refused_with_a_message(upload_one: Any, data: bytes, filename: str) -> None:
    got = upload_one(data, filename)
    if not isinstance(got, UploadSummary):
        refused_cleanly(got)
