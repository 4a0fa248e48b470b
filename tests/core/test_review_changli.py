"""The target review of the published 昌黎县 2024 file finds what a reviewer finds (DOMAIN.md §6, issue 15)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tracker.core.project import ProjectData
from tracker.core.review import review_project
from tracker.core.review_rules import Finding, Rule, Severity
from tracker.core.value_parsing import written_comparator
from tracker.core.values import Comparator
from tracker.targets.service import parse_file

DATA = Path(__file__).resolve().parents[2] / "data" / "changli-2024-targets.txt"


@pytest.fixture(scope="module")
def changli() -> list[tuple[ProjectData, list[Finding]]]:
    return [(p, review_project(project=p)) for p in parse_file(DATA.read_bytes()).projects]


def hits(changli: list[tuple[ProjectData, list[Finding]]], rule: Rule) -> set[tuple[int | None, int | None]]:
    return {(p.heading_no, f.seq) for p, found in changli for f in found if f.rule is rule}


# "the 昌黎县 file has 19 ≤-written 效益/数量 rows: 12 with no such words, e.g. table 11 `增加…收入 ≤100万元`,
# table 19 `≤160000人`, which are doubtful directions; 6 `项目预算控制数`, which restate the budget; and one
# 受害面积 row whose words say 控制, which is a legitimate lower-is-better target"
def test_the_19_lower_written_benefit_and_quantity_rows_are_told_apart(changli: list) -> None:
    lower = {
        (p.heading_no, i.seq)
        for p, _ in changli
        for i in p.indicators
        if i.target.comparator in (Comparator.LE, Comparator.LT) and (i.level1 == "效益指标" or i.level2 == "数量指标")
    }
    assert len(lower) == 19
    doubtful = hits(changli, Rule.DOUBTFUL_DIRECTION)
    named = {(p.heading_no, i.seq) for p, _ in changli for i in p.indicators if i.level3 == "项目预算控制数"}
    restated = hits(changli, Rule.BUDGET_RESTATED) & lower
    assert len(doubtful) == 12 and doubtful <= lower
    assert {(11, 5), (19, 1)} <= doubtful
    assert restated == {key for key in named if key in lower} and len(restated) == 6
    forest = next((p.heading_no, i.seq) for p, _ in changli for i in p.indicators if i.level3 == "受害面积")
    assert lower - doubtful - restated == {forest}
    assert not any(key == forest for p, found in changli for key in [(p.heading_no, f.seq) for f in found])


def test_the_cut_off_table_44_is_told_it_may_be_cut_off_not_that_it_lacks_satisfaction(changli: list) -> None:
    # "Not findings: … the missing 满意度 of a table that was cut off (say it may be cut off instead)"
    [(table, found)] = [(p, f) for p, f in changli if p.heading_no == 44]
    assert table.incomplete
    assert not [f for f in found if f.severity is Severity.ERROR]
    [missing] = [f for f in found if f.rule is Rule.MISSING_LEVEL1]
    assert missing.severity is Severity.INFO and "可能在缺失部分" in missing.message


def test_fixed_policy_standards_written_as_bare_values_in_cost_raise_nothing(changli: list) -> None:
    # "Not findings: a fixed policy standard written as a bare value in 成本 (`840元/生/年`)"
    bare = {
        (p.heading_no, i.seq)
        for p, _ in changli
        for i in p.indicators
        if i.level2 == "成本指标" and i.target.comparator is Comparator.EQ and written_comparator(i.target.text) is None
    }  # fmt: skip
    assert len(bare) == 24
    assert not bare & hits(changli, Rule.COST_NOT_LE)
    # one of them, 享受分红的比率 6%, is no cost at all: that is its own finding
    assert bare & hits(changli, Rule.COST_NOT_A_COST) == {(23, 4)}


def test_a_year_not_of_the_table_and_a_rate_written_as_a_cost_are_found(changli: list) -> None:
    assert hits(changli, Rule.YEAR_MISMATCH) == {(28, 6)}
    assert hits(changli, Rule.COST_NOT_A_COST) == {(23, 4)}


def test_every_finding_on_the_file_has_a_severity_and_a_suggestion(changli: list) -> None:
    counts = Counter(f.severity for _, found in changli for f in found)
    assert counts and all(f.suggestion for _, found in changli for f in found)
