"""The effective budget (DOMAIN.md §3): 年初 + carry-over + the adjustments in force on the day."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.core.budget import Budget, BudgetChange, ChangeKind, FundingSource, parse_kind, parse_source

WAN = 1_000_000
JULY_1 = date(2024, 7, 1)


def budget(*changes: BudgetChange, initial: int = 180 * WAN, other: int = 0) -> Budget:
    return Budget.of(initial_fen=initial, other_fen=other, changes=changes)


def test_without_changes_the_effective_budget_is_the_published_one_every_day() -> None:
    b = budget()
    assert b.on(date(2024, 1, 1)) == b.on(date(2024, 12, 31)) == b.year_end(2024) == 180 * WAN


def test_an_adjustment_counts_from_its_effective_date_not_before() -> None:
    b = budget(BudgetChange(ChangeKind.ADJUSTMENT, JULY_1, 100 * WAN))
    assert b.on(date(2024, 6, 30)) == 180 * WAN
    assert b.on(JULY_1) == b.year_end(2024) == 280 * WAN


def test_a_cut_is_a_negative_adjustment_and_transfers_count_like_adjustments() -> None:
    b = budget(
        BudgetChange(ChangeKind.ADJUSTMENT, date(2024, 3, 1), -30 * WAN),
        BudgetChange(ChangeKind.TRANSFER, date(2024, 9, 1), 10 * WAN),
    )
    assert [b.on(date(2024, 2, 1)), b.on(date(2024, 3, 1)), b.on(date(2024, 9, 1))] == [180 * WAN, 150 * WAN, 160 * WAN]


def test_carry_over_is_last_years_money_and_counts_from_the_start_of_the_year() -> None:
    b = budget(BudgetChange(ChangeKind.CARRYOVER, date(2024, 4, 15), 20 * WAN, FundingSource.CARRYOVER))
    assert b.on(date(2024, 1, 1)) == 200 * WAN


def test_the_effective_budget_splits_by_funding_source_and_adds_up() -> None:
    b = budget(
        BudgetChange(ChangeKind.CARRYOVER, date(2024, 1, 1), 20 * WAN, FundingSource.CARRYOVER),
        BudgetChange(ChangeKind.ADJUSTMENT, JULY_1, 100 * WAN),
        initial=180 * WAN,
        other=30 * WAN,
    )
    current, carried, other = FundingSource.CURRENT, FundingSource.CARRYOVER, FundingSource.OTHER
    assert b.initial_by_source() == {current: 150 * WAN, carried: 0, other: 30 * WAN}
    year_end = b.by_source(date(2024, 12, 31))
    assert year_end == {current: 250 * WAN, carried: 20 * WAN, other: 30 * WAN}
    assert sum(year_end.values()) == b.year_end(2024) == 300 * WAN


def test_changes_are_kept_in_date_order_whatever_order_they_were_recorded_in() -> None:
    late = BudgetChange(ChangeKind.ADJUSTMENT, date(2024, 9, 1), 1)
    early = BudgetChange(ChangeKind.ADJUSTMENT, JULY_1, 2)
    assert budget(late, early).changes == (early, late)
    assert budget().after(late).after(early).changes == (early, late)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("", FundingSource.CURRENT),
        ("本年财政拨款", FundingSource.CURRENT),
        ("上年结转资金", FundingSource.CARRYOVER),
        ("其他", FundingSource.OTHER),
        (" 财政拨款 ", FundingSource.CURRENT),
    ],
)
def test_funding_sources_are_read_from_their_names_and_common_words(text: str, source: FundingSource) -> None:
    assert parse_source(text) is source


def test_an_unknown_funding_source_or_kind_is_refused_with_the_accepted_names() -> None:
    with pytest.raises(ValueError, match="本年财政拨款、上年结转、其他资金"):
        parse_source("专项债")
    with pytest.raises(ValueError, match="adjustment"):
        parse_kind("追加")
    assert parse_kind("调剂") is ChangeKind.TRANSFER and parse_kind("carryover") is ChangeKind.CARRYOVER
