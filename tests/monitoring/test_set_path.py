"""Variance as a set (issue 14 item 2) says exactly what the per-project path says (DOMAIN.md §3, §4).

`iter_variances` reads the spending figures of a piece of projects in a few statements and applies the
pure core to rows; `iter_variances_each` builds each project's ProjectData and measures it alone. On the
昌黎县 file with the demo actuals, a budget adjustment on 1 July and a carry-over, every field of every
project (money in fen, rounded percentages and ratios, lights, checkpoints, forecasts) is the same.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from tests.browser.demo import add_demo
from tests.budget.test_budget_versions import P1, adjust
from tests.support import WAN, batch, load_changli, project
from tracker.core.budget import ChangeKind
from tracker.models import KeyListing, ProjectReport
from tracker.monitoring.per_project import iter_variances_each
from tracker.monitoring.service import iter_variances, variance_page
from tracker.rules import load_rules
from tracker.scope import Scope

DAYS = [
    date(2024, 1, 15),  # before the first checkpoint: no light
    date(2024, 3, 31),  # on a checkpoint's own day
    date(2024, 6, 21),  # between checkpoints, within the early-warning days of 30 June
    date(2024, 7, 1),  # the day the adjustment comes into force
    date(2024, 8, 17),  # between checkpoints after the adjustment
    date(2024, 12, 31),  # year end
]


def _both(session: Session, **kwargs: object) -> tuple[str, str, int]:
    rules = load_rules()
    kwargs.setdefault("scope", Scope.everything())
    by_set = [v for piece in iter_variances(session=session, rules=rules, **kwargs) for v in piece]  # type: ignore[arg-type]
    each = [v for piece in iter_variances_each(session=session, rules=rules, **kwargs) for v in piece]  # type: ignore[arg-type]
    return repr(by_set), repr(each), len(by_set)


@pytest.mark.parametrize("with_indicators", [False, True])
def test_the_set_path_measures_every_project_as_the_per_project_path_does(
    session: Session, with_indicators: bool
) -> None:
    load_changli(session)
    add_demo(session)
    adjust(session, 100 * WAN)  # in force from 1 July: the plan before it is on 180 万元
    adjust(session, -30 * WAN, on=date(2024, 9, 1))
    adjust(session, 20 * WAN, on=date(2024, 1, 1), kind=ChangeKind.CARRYOVER)
    p = project(session, P1)
    assert p.id is not None
    b = batch(session)  # the unit's own 全年预计执行数 from 30 June, superseded once; on the key list from 31 July
    for on, fen, current in ((date(2024, 6, 30), 150 * WAN, False), (date(2024, 6, 30), 170 * WAN, True)):
        session.add(ProjectReport(project_id=p.id, batch_id=b, as_of=on, forecast_fen=fen, is_current=current))
    session.add(KeyListing(project_id=p.id, year=2024, dept_code=P1[0], tier="7月底", on_date=date(2024, 7, 31),
                           budget_fen=180 * WAN, actual_fen=0))  # fmt: skip
    session.flush()
    for day in DAYS:
        by_set, each, n = _both(session, year=2024, as_of=day, with_indicators=with_indicators)
        assert n == 44
        assert by_set == each, day
        assert ("key_monitoring=True" in by_set) is (day >= date(2024, 7, 31))
        assert (f"forecast_year_end_fen={170 * WAN}, forecast_estimated=False" in by_set) is (day >= date(2024, 6, 30))
    by_set, each, n = _both(session, year=2024, as_of=None, with_indicators=with_indicators)  # today, capped
    assert (n, by_set) == (44, each)


def test_the_set_path_sees_only_the_scope_and_keeps_the_table_order(session: Session) -> None:
    load_changli(session)
    add_demo(session)
    session.flush()
    mine = Scope.of_units({("130322", "314001")})
    by_set, each, n = _both(session, scope=mine, year=2024, as_of=date(2024, 6, 30), with_indicators=False)
    assert 0 < n < 44
    assert by_set == each
    by_set, each, n = _both(session, scope=Scope.everything(), dept_code="314001", as_of=date(2024, 9, 30))
    assert (by_set, n > 0) == (each, True)


@pytest.mark.parametrize("with_indicators", [False, True])
def test_small_pieces_give_the_same_projects_in_the_same_order(
    session: Session, monkeypatch: pytest.MonkeyPatch, with_indicators: bool
) -> None:
    # memory stays flat by measuring in pieces (spending alone in larger ones): cutting the install into
    # pieces of 5 changes neither a figure nor the table order
    load_changli(session)
    add_demo(session)
    session.flush()
    whole, each, n = _both(session, year=2024, as_of=date(2024, 6, 30), with_indicators=with_indicators)
    monkeypatch.setattr("tracker.monitoring.service.SET_CHUNK", 5)
    monkeypatch.setattr("tracker.monitoring.service.SPEND_CHUNK", 5)
    rules = load_rules()
    pieces = list(iter_variances(session=session, rules=rules, scope=Scope.everything(), year=2024,
                                 as_of=date(2024, 6, 30), with_indicators=with_indicators))  # fmt: skip
    assert [len(p) for p in pieces] == [5] * 8 + [4]
    assert (repr([v for p in pieces for v in p]), n) == (whole, 44)
    assert whole == each


@pytest.mark.parametrize(("limit", "offset"), [(10, 0), (10, 40), (7, 13), (100, 0), (5, 44)])
def test_a_page_of_variances_is_that_slice_of_the_whole_measured_alone(
    session: Session, limit: int, offset: int
) -> None:
    # GET /api/v1/variance pages in SQL: the page holds the same projects, figures and indicator lights as the
    # slice of the whole list, and the total counts the whole selection, whatever the page
    load_changli(session)
    add_demo(session)
    session.flush()
    rules = load_rules()
    kwargs: dict[str, object] = {"scope": Scope.everything(), "as_of": date(2024, 6, 30), "rules": rules}
    whole = [v for piece in iter_variances(session=session, **kwargs) for v in piece]  # type: ignore[arg-type]
    page, total = variance_page(session=session, limit=limit, offset=offset, **kwargs)  # type: ignore[arg-type]
    assert total == len(whole) == 44
    assert repr(page) == repr(whole[offset : offset + limit])
    mine = Scope.of_units({("130322", "314001")})
    page, total = variance_page(session=session, scope=mine, rules=rules, limit=2, offset=1, year=2024)
    theirs = [v for piece in iter_variances(session=session, scope=mine, rules=rules, year=2024) for v in piece]
    assert (repr(page), total) == (repr(theirs[1:3]), len(theirs))
