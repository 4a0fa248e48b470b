"""Money is exact (core/money.py): integer fen inside, 万元 with two decimals rounded half up for display."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tracker.core.money import FEN_PER_WAN, MoneyError, fen_to_wan, parse_wan, wan_str


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (5_000, "0.01"),  # 0.005 万元: half up gives 0.01, half even would give 0.00
        (25_000, "0.03"),  # 0.025: half up 0.03, half even 0.02
        (14_999, "0.01"),  # below the half rounds down
        (-5_000, "-0.01"),  # a withdrawal's half rounds away from zero too
        (1_800_000_000, "1800.00"),
        (0, "0.00"),
        (1, "0.00"),  # one fen is 0.000001 万元
    ],
)
def test_wan_is_shown_with_two_decimals_rounded_half_up(fen: int, shown: str) -> None:
    assert wan_str(fen) == shown


def test_wan_text_is_decimals_half_up_quantize_for_every_amount() -> None:
    """wan_str rounds in integers; it says exactly what Decimal's ROUND_HALF_UP quantize says, signs included
    (a negative fen under half a 分 of 万元 is "-0.00", as Decimal writes it)."""
    amounts = [*range(-30_000, 30_001), *(k * 10_000 + d for k in range(-500, 500) for d in (4_999, 5_000, 5_001))]
    amounts += [10**15 + 5_000, -(10**15) - 5_000, 999_999_999_999_999_999]
    for fen in amounts:
        assert wan_str(fen) == str(fen_to_wan(fen).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,400.00", 1_400 * FEN_PER_WAN),
        ("1，400", 1_400 * FEN_PER_WAN),  # a full-width comma as typed in Chinese input
        (" 180 ", 180 * FEN_PER_WAN),
        ("0.000001", 1),  # one fen
        ("-2.5", -2_500_000),
        (Decimal("12.34"), 12_340_000),
        (7, 7 * FEN_PER_WAN),
        (0.1, 100_000),  # a float from a spreadsheet cell is read by its shortest repr, not its binary value
    ],
)
def test_parse_wan_reads_the_amount_exactly_in_fen(text: str | Decimal | int | float, fen: int) -> None:
    assert parse_wan(text) == fen


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "金额为空"),
        ("abc", "不是金额"),
        ("NaN", "不是金额"),
        ("Infinity", "不是金额"),
        ("0.0000001", "小数位数过多"),  # past the stored limit (tracker/limits.py) before the fen check
    ],
)
def test_parse_wan_refuses_what_is_not_an_amount_of_whole_fen(text: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_wan(text)


def test_fen_to_wan_is_exact_and_round_trips() -> None:
    assert fen_to_wan(1) == Decimal("0.000001")
    for fen in (0, 1, 999_999, 123_456_789, -42):
        assert parse_wan(fen_to_wan(fen)) == fen
