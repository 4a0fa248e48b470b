"""Exact money: integer fen (分) inside, 万元 with two decimals for display."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tracker.limits import AMOUNT_DECIMALS, AMOUNT_WAN_DIGITS, MAX_NUMBER_CHARS, digits_problem, shorten

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分


class MoneyError(ValueError):
    """A text that is not an amount, or an amount more precise than one fen."""


def parse_wan(text: str | Decimal | int | float) -> int:
    """Read an amount in 万元 (e.g. '1,400.00') and return integer fen; reject sub-fen precision."""
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace(",", "").replace("，", "").replace(" ", "")
    if raw == "":
        raise MoneyError("金额为空")
    # Digits only, and no more than a stored amount has: Decimal alone takes 1e999990, whose fen cost
    # time and memory in proportion to the exponent, and NaN/Infinity, which no rule can compare.
    if problem := digits_problem(raw, int_digits=AMOUNT_WAN_DIGITS, decimals=AMOUNT_DECIMALS, what="金额"):
        raise MoneyError(f"{problem}：{shorten(str(text))}")
    if len(raw) > MAX_NUMBER_CHARS or not re.fullmatch(r"[+-]?\d+(?:\.\d*)?|[+-]?\.\d+", raw):
        raise MoneyError(f"不是金额：{shorten(str(text))}")
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyError(f"不是金额：{shorten(str(text))}") from exc
    fen = amount * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"金额精度超过1分：{text!s}")
    return int(fen)


def fen_to_wan(fen: int) -> Decimal:
    """Exact 万元 value of an amount in fen."""
    return Decimal(fen) / FEN_PER_WAN


def wan_str(fen: int) -> str:
    """万元 with two decimals, rounded half up (display and API): Decimal's quantize done in integers (an
    upload writes two for each project it touches), the same text, "-0.00" for a fen below zero too."""
    cents = (abs(fen) + 5_000) // 10_000  # hundredths of 万元, half away from zero
    text = f"{cents // 100}.{cents % 100:02d}"
    return "-" + text if fen < 0 else text
