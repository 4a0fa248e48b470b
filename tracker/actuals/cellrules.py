"""Cells of payment rows, decided in bulk: amounts in 万元 or 元 as exact fen, a rule per distinct value.

Rules that depend on a value (unit, project, date, lock) are decided once per distinct value and mapped
onto the rows; `Findings` marks the bad rows of a chunk and lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from tracker import limits
from tracker.actuals.chunks import Chunk
from tracker.actuals.report import Issues
from tracker.core.money import FEN_PER_WAN

SEP = "\x1f"
_AMOUNT = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?")
_DECIMALS = {"万元": limits.AMOUNT_DECIMALS, "元": 2}  # 1 fen in either unit
_SHIFT = {"万元": 0, "元": 4}  # digits from the unit to 万元


def signed_fen(text: str, unit: str = "万元") -> tuple[int, str | None]:
    """Integer fen (negative for a refund) of an amount written in 万元 or 元, or why it is not one."""
    match = _AMOUNT.fullmatch(text.replace(",", "").replace("，", ""))
    if match is None:
        return 0, f"金额“{limits.shorten(text)}”不是数字"
    sign, whole, frac = match[1], match[2], (match[3] or "").rstrip("0")
    if len(frac) > _DECIMALS[unit]:
        return 0, f"金额“{limits.shorten(text)}”精度超过1分（{unit}最多{_DECIMALS[unit]}位小数）"
    if len(whole.lstrip("0")) > limits.AMOUNT_WAN_DIGITS + _SHIFT[unit]:
        return 0, f"金额“{limits.shorten(text)}”超出上限（最大 999,999,999.999999 万元）"
    fen = int(whole) * FEN_PER_WAN // 10 ** _SHIFT[unit] + int(frac.ljust(_DECIMALS[unit], "0"))
    if fen == 0:
        return 0, "金额应大于0" if unit == "万元" else "金额不能为0"
    return (-fen if sign == "-" else fen), None


def amount_fen(text: str) -> tuple[int, str | None]:
    """Integer fen of an amount written in 万元, or why it is not one: a number above 0, at most 1 fen precise."""
    fen, problem = signed_fen(text)
    if problem is None and fen < 0:
        return 0, "金额应大于0"
    return fen, problem


def decide(values: np.ndarray, rule: Callable[[str], str | None]) -> np.ndarray | None:
    """A rule applied once per distinct non-empty value, answered per row (None where fine; None if all are)."""
    at, distinct = pd.factorize(values)
    return answered(at, [rule(v) if v else None for v in distinct.tolist()])


def answered(at: np.ndarray, messages: list[str | None]) -> np.ndarray | None:
    """Per row, the message of its distinct value (`at`: pd.factorize's codes); None when every one is fine."""
    if all(m is None for m in messages):
        return None
    out: np.ndarray = np.array(messages, dtype=object)[at]
    return out


def per_row(at: np.ndarray, answers: list[Any], dtype: type = object) -> np.ndarray:
    """Per row, the answer of its distinct value (`at`: pd.factorize's codes), one C take for every row."""
    out: np.ndarray = np.array(answers, dtype=dtype)[at]
    return out


def texts(frame: pd.DataFrame, name: str) -> np.ndarray:
    return np.array(list(map(str.strip, frame[name].tolist())), dtype=object)


class Findings:
    """Marks bad rows of one chunk and lists them (as far as the listing limit allows)."""

    def __init__(self, chunk: Chunk, issues: Issues) -> None:
        self.rows = chunk.frame["row"].to_numpy()
        self.headers, self.sheet, self.issues = chunk.headers, chunk.sheet, issues
        self.bad = np.zeros(len(self.rows), dtype=bool)

    def add(self, messages: np.ndarray | str | None, column: str, where: np.ndarray) -> None:
        """Report the rows inside `where` whose message is given (one text for all, or one per row)."""
        if messages is None:
            return
        hit = where if isinstance(messages, str) else where & pd.notna(messages)
        if not hit.any():
            return
        self.bad |= hit
        at = np.flatnonzero(hit)
        shown = at[: self.issues.room()]
        texts = [messages] * len(shown) if isinstance(messages, str) else messages[shown].tolist()
        self.issues.add_rows(self.rows[at].tolist(), self.headers.get(column, column), texts, self.sheet)
