"""The largest values the product stores, the same on SQLite and PostgreSQL, checked where input is read.

The database columns are the outer bound (BIGINT fen, NUMERIC(20,6) values, NUMERIC(7,2) percentages and
scores, VARCHAR codes and names); these limits sit inside them, so nothing that passes a check can fail
at the database, and SQLite (which does not enforce column sizes) keeps exactly what PostgreSQL would.
Every number is checked by its digits before it is converted, so no parser's cost grows with its input.
Pure: standard library only. README.md (数据上限) lists the same figures.
"""

from __future__ import annotations

import re
from decimal import Decimal

FEN_PER_WAN = 1_000_000

AMOUNT_WAN_DIGITS = 9  # 万元 before the point: at most 999,999,999.999999 万元 (约 10 万亿元) per amount
AMOUNT_DECIMALS = 6  # 万元 after the point: 1 fen
MAX_AMOUNT_FEN = 10**AMOUNT_WAN_DIGITS * FEN_PER_WAN - 1
NUMBER_DIGITS = 12  # an indicator value, actual or baseline: at most 999,999,999,999.999999
NUMBER_DECIMALS = 6
PCT_DECIMALS = 2  # spending-plan percentages and scores: 0–100, two decimals
MAX_SCORE = Decimal(100)
MAX_SEQ = 999  # indicators per project
MIN_YEAR, MAX_YEAR = 2000, 2099
MAX_ID = 2**31 - 1  # row ids (PostgreSQL INTEGER)
MAX_OFFSET = 1_000_000_000
MAX_NUMBER_CHARS = 40  # longer than any number allowed above, with separators and a sign

# Text stored in a sized column: the column's size. Free text (notes, reasons, purposes): FREE_TEXT.
DEPT_CODE = 20
PROJECT_CODE = 40
DEPT_NAME = 200
PROJECT_NAME = 500
LEVEL_NAME = 50  # 一级 / 二级指标
INDICATOR_NAME = 500  # 三级指标
TARGET_TEXT = 500  # 指标值 as written
UNIT_TEXT = 50
ACTUAL_TEXT = 200  # 实际完成值 / 上年值 as written
FILENAME = 500
FREE_TEXT = 2000

_DECIMAL = re.compile(r"([+-]?)(\d+)(?:\.(\d*))?")


class OutOfRange(ValueError):
    """A number or text beyond what the product stores; the message is the Chinese row message."""


def digits_problem(text: str, *, int_digits: int, decimals: int, what: str) -> str | None:
    """Why a plain decimal (no exponent, no separators) is beyond the limits, or None when it is within."""
    match = _DECIMAL.fullmatch(text) if len(text) <= MAX_NUMBER_CHARS else None
    if match is None:
        if len(text) > MAX_NUMBER_CHARS and _DECIMAL.fullmatch(text[:MAX_NUMBER_CHARS]):
            return f"{what}超出上限（整数部分最多{int_digits}位）"
        return None  # not a number at all: the caller says so in its own words
    whole, frac = match[2].lstrip("0"), (match[3] or "").rstrip("0")
    if len(whole) > int_digits:
        return f"{what}超出上限（整数部分最多{int_digits}位）"
    if len(frac) > decimals:
        return f"{what}小数位数过多（最多{decimals}位）"
    return None


def bounded_decimal(
    text: str, *, int_digits: int = NUMBER_DIGITS, decimals: int = NUMBER_DECIMALS, what: str
) -> Decimal:
    """A plain decimal within the limits; OutOfRange (with a Chinese message) or ValueError (not a number)."""
    problem = digits_problem(text, int_digits=int_digits, decimals=decimals, what=what)
    if problem:
        raise OutOfRange(problem)
    if _DECIMAL.fullmatch(text) is None:
        raise ValueError(f"{what}不是数字")
    return Decimal(text)


def bounded_int(text: str, *, low: int, high: int, what: str) -> int:
    """A whole number written with digits only (no point, no exponent) between low and high."""
    if len(text) > MAX_NUMBER_CHARS or not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{what}“{shorten(text)}”不是整数")
    value = int(text)
    if not low <= value <= high:
        raise OutOfRange(f"{what}应在{low}–{high}之间")
    return value


def text_problem(text: str, limit: int, what: str) -> str | None:
    """Why a text cannot be stored: a NUL character, or more than `limit` characters."""
    if "\x00" in text:
        return f"{what}含有空字符（\\x00），请删除后重试"
    if len(text) > limit:
        return f"{what}过长（{len(text)}字，最多{limit}字）"
    return None


def shorten(text: str, keep: int = 30) -> str:
    """A text as shown inside a message: long input is cut, so that a message stays readable."""
    return text if len(text) <= keep else f"{text[:keep]}…（共{len(text)}字）"
