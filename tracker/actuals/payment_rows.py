"""One payment chunk's rows as PaymentCheck (payments.py) works through them: the cells as arrays and what
each step learns (`Rows`), the good rows as VALID columns, and what is decided once per distinct value
(the CSV split-amount guard, the funding-source word, the period keys of the quarter a row is written into).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from tracker import limits
from tracker.actuals.cellrules import SEP, Findings, per_row
from tracker.actuals.columns import normalise_header
from tracker.actuals.context import ProjectRef
from tracker.actuals.identity import CHANGED, Resolved
from tracker.core.budget import FundingSource

# a checked row to write; payment_id, old_paid_on and old_fen name the recorded payment it changes (0: new)
VALID = ["project_id", "paid_on", "amount_fen", "note", "row", "voucher", "source", "payment_id"]
VALID += ["old_paid_on", "old_fen", "old_source"]


@dataclass(slots=True)
class Rows:
    """One chunk's payment cells as arrays, and what the steps of the check learn about each row."""

    dept: np.ndarray
    code: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    note: np.ndarray
    voucher: np.ndarray
    source: np.ndarray
    live: np.ndarray
    found: Findings
    known: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # no problem so far
    pair: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # index into `pairs`
    pairs: list[tuple[str, str]] = field(default_factory=list)  # the distinct (unit, project code)
    day_at: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # index into `days`
    days: list[date | None] = field(default_factory=list)  # the distinct dates (None: empty or bad)
    iso: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    fen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    project_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    period: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))  # region, unit, year, quarter
    cand: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # rows whose identity is decided


def good_rows(r: Rows, write: np.ndarray, resolved: Resolved | None) -> pd.DataFrame:
    """The rows to write as VALID columns, each with the recorded payment it changes (payment_id 0: new)."""
    n = len(r.live)
    payment_id, old_fen = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    old_paid_on, old_source = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    if resolved is not None:
        at = np.flatnonzero(r.cand)
        payment_id[at], old_fen[at], old_paid_on[at] = resolved.payment_id, resolved.old_fen, resolved.old_paid_on
        old_source[at] = resolved.old_source
    return pd.DataFrame(
        {
            "project_id": r.project_id[write],
            "paid_on": r.iso[write],
            "amount_fen": r.fen[write],
            "note": r.note[write],
            "row": r.found.rows[write].astype(np.int64),
            "voucher": r.voucher[write],
            "source": np.where(r.source[write] == "", FundingSource.CURRENT.value, r.source[write]),
            "payment_id": payment_id[write],
            "old_paid_on": old_paid_on[write],
            "old_fen": old_fen[write],
            "old_source": old_source[write],
        },
        columns=VALID,
    )


def fine(messages: np.ndarray | None) -> np.ndarray | bool:
    """Per row, whether a step found nothing wrong (True for all when it has no message at all)."""
    return pd.isna(messages) if messages is not None else True


_GROUP_HEAD = re.compile(r"[+-]?\d{1,3}")
_GROUP_TAIL = re.compile(r"\d{3}(?:\.\d*)?")
SPLIT_AMOUNT = (
    "金额含千分位逗号却没有加英文引号（如 1,000.00 被拆成金额“1”和备注“000.00”）：请给金额加引号，或去掉千分位逗号"
)


def split_amount(amount_at: np.ndarray, amounts: list[str], note: np.ndarray) -> np.ndarray:
    """Rows whose amount and note read as one number cut at its thousands comma (a CSV field too many).

    The amount's pattern is tried once per distinct amount; only the notes of rows whose amount could be
    the number's head (1 to 3 digits, nothing after) are looked at.
    """
    head = per_row(amount_at, [_GROUP_HEAD.fullmatch(a) is not None for a in amounts], bool)
    at = np.flatnonzero(head)
    out = np.zeros(len(note), dtype=bool)
    out[at] = [bool(n[:1].isdigit() and _GROUP_TAIL.fullmatch(n)) for n in note[at].tolist()]
    return out


def source_problem(word: str, words: dict[str, str]) -> str | None:
    """Why a 资金性质 word names no funding source (config/treasury.yaml), or None when it names one."""
    if normalise_header(word) in words:
        return None
    names = "、".join(FundingSource)
    return f"资金性质“{limits.shorten(word)}”无法识别，应为 {names}（其他写法见 config/treasury.yaml 的 sources）"


_QUARTER = {f"{m:02d}": str((m - 1) // 3 + 1) for m in range(1, 13)}


QUARTERS = ("1", "2", "3", "4")


def period_prefix(ref: ProjectRef | None) -> str:
    """The start of the period keys of a project's year (its quarter follows): region, unit, year."""
    return "" if ref is None else SEP.join((ref.region_code, ref.dept_code, f"{ref.year:04d}", ""))


def period(key: str) -> tuple[str, str, int, int]:
    """A period key read back as (region, unit, year, quarter)."""
    region, dept, year, quarter = key.split(SEP)[:4]  # an old date's key carries the date after them
    return region, dept, int(year), int(quarter)


def old_periods(r: Rows, status: np.ndarray, resolved: Resolved | None) -> np.ndarray:
    """Per changed row, the period of the recorded payment's old date (its region, unit, year, quarter)."""
    out = np.full(len(r.live), "", dtype=object)
    if resolved is None:
        return out
    at = np.flatnonzero(r.cand)
    changed = np.flatnonzero(status[at] == CHANGED)  # only these rows are looked at
    for i, old_iso in zip(at[changed].tolist(), resolved.old_paid_on[changed].tolist(), strict=True):
        if r.period[i] and old_iso:
            region, dept, _year, _quarter = r.period[i].split(SEP)
            out[i] = SEP.join((region, dept, old_iso[:4], _QUARTER[old_iso[5:7]], old_iso))
    return out
