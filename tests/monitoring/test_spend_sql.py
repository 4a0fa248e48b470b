"""The spending rules computed by the database say what the pure core says, for any install (DOMAIN.md §3).

`iter_variances` reads every figure of a project's spending variance from one SQL statement
(monitoring/spend_sql.py); `iter_variances_each` applies `core.variance` to each project's published data.
Hypothesis builds small installs with what makes the rules branch: plans with unusable, unordered and
zero checkpoints or none, payments before, on and after the day (withdrawn ones and refunds among them),
budget changes of every kind on any date, superseded and blank forecasts, key listings, days outside the
year, a region with its own thresholds, and money beyond the statement's exact range (measured by the
core instead). Every field of every project must be the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from tests.support import batch
from tracker.core.plan import div_half_up
from tracker.models import BudgetChange, Dept, KeyListing, Payment, PlanCheckpoint, Project, ProjectReport, Region
from tracker.monitoring.per_project import iter_variances_each
from tracker.monitoring.service import iter_variances
from tracker.monitoring.spend_sql import SAFE_FEN
from tracker.rules import parse_rules
from tracker.scope import Scope

REGIONS = ("139901", "139902")  # the second has its own spending thresholds
RULES = parse_rules(
    {"regions": {REGIONS[1]: {"variance": {"green": 0.85, "yellow": 0.5, "min_gap_wan": 0, "early_warning_days": 20}}}}
)
START = date(2023, 12, 1)


def days(low: date, high: date) -> st.SearchStrategy[date]:
    return st.integers(0, (high - low).days).map(lambda n: low + timedelta(days=n))


money = st.one_of(
    st.integers(0, 500) .map(lambda wan: wan * 10_000),  # whole 百元 figures: many exact ties and equal gaps
    st.integers(-2_000_000, 5_000_000_000),
    st.just(SAFE_FEN + 1),  # beyond the statement's exact range: measured by the core
)  # fmt: skip
checkpoint = st.tuples(
    st.integers(0, 13),  # months 0 and 13 are unusable, as are percentages outside 0–100
    st.decimals(min_value=-5, max_value=105, places=2),
)
project = st.fixed_dictionaries(
    {
        "region": st.sampled_from(REGIONS),
        "budget": money,
        "plan": st.lists(checkpoint, max_size=5, unique_by=lambda c: c[0]),
        "payments": st.lists(st.tuples(days(START, date(2025, 1, 15)), money, st.booleans()), max_size=6),
        "changes": st.lists(
            st.tuples(st.sampled_from(["adjustment", "transfer", "carryover"]), days(START, date(2025, 1, 5)), money),
            max_size=3,
        ),
        "reports": st.lists(st.tuples(days(START, date(2024, 12, 31)), st.none() | money, st.booleans()), max_size=3),
        "keyed": st.none() | days(START, date(2024, 12, 31)),
    }
)


def _store(session: Session, projects: list[dict[str, Any]]) -> None:
    session.add_all(Region(code=code, name=f"测试{code}") for code in REGIONS)
    session.flush()
    session.add_all(Dept(region_code=code, code="900001", name="测试单位") for code in REGIONS)
    session.flush()
    b = batch(session)
    for n, spec in enumerate(projects):
        budget = max(spec["budget"], 0)
        p = Project(year=2024, region_code=spec["region"], dept_code="900001", code=f"P{n:03d}", name=f"项目{n}",
                    heading_no=n % 3, budget_fen=budget, fiscal_fen=budget, other_fen=0)  # fmt: skip
        session.add(p)
        session.flush()
        assert p.id is not None
        for month, pct in spec["plan"]:
            session.add(PlanCheckpoint(project_id=p.id, month=month, cumulative_pct=pct))
        for day, fen, withdrawn in spec["payments"]:
            session.add(Payment(project_id=p.id, batch_id=b, paid_on=day, amount_fen=fen, withdrawn=withdrawn))
        for kind, day, fen in spec["changes"]:
            session.add(BudgetChange(project_id=p.id, kind=kind, effective_on=day, amount_fen=fen - 1_000_000,
                                     source="本年财政拨款"))  # fmt: skip
        for day, fen, current in spec["reports"]:
            session.add(ProjectReport(project_id=p.id, batch_id=b, as_of=day, forecast_fen=fen, is_current=current))
        if spec["keyed"] is not None:
            session.add(KeyListing(project_id=p.id, year=2024, dept_code="900001", region_code=spec["region"],
                                   tier="测试", on_date=spec["keyed"], budget_fen=budget, actual_fen=0))  # fmt: skip
    session.flush()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=st.lists(project, min_size=1, max_size=5), as_of=days(date(2023, 12, 20), date(2025, 1, 10)))
def test_the_statement_measures_every_project_as_the_core_does(
    session: Session, projects: list[dict[str, Any]], as_of: date
) -> None:
    saved = session.begin_nested()
    try:
        _store(session, projects)
        kwargs: dict[str, Any] = {"scope": Scope.everything(), "year": 2024, "as_of": as_of, "rules": RULES}
        by_sql = [v for piece in iter_variances(session=session, with_indicators=False, **kwargs) for v in piece]
        by_core = [v for piece in iter_variances_each(session=session, with_indicators=False, **kwargs) for v in piece]
        assert len(by_sql) == len(projects)
        assert [repr(v) for v in by_sql] == [repr(v) for v in by_core]
    finally:
        saved.rollback()


def test_money_beyond_the_exact_range_is_measured_by_the_core(session: Session) -> None:
    # a budget of 100 亿元 and more would overflow 64-bit products in SQL: the statement leaves it to the core
    spec = {"region": REGIONS[0], "budget": 3 * SAFE_FEN, "plan": [(3, 25), (12, 100)], "payments": [
        (date(2024, 2, 1), SAFE_FEN, False)], "changes": [], "reports": [], "keyed": None}  # fmt: skip
    _store(session, [spec])
    kwargs: dict[str, Any] = {"scope": Scope.everything(), "year": 2024, "as_of": date(2024, 5, 1), "rules": RULES}
    (v,) = [v for piece in iter_variances(session=session, with_indicators=False, **kwargs) for v in piece]
    assert (v.spend.budget_fen, v.spend.actual_fen) == (3 * SAFE_FEN, SAFE_FEN)
    # 25% on 31 March (day 90 of the year), 100% on 31 December (day 365): 1 May (day 121) interpolated by day
    assert v.spend.planned_fen == div_half_up(3 * SAFE_FEN * (2500 * 275 + 7500 * 31), 10000 * 275)
    (each,) = [v for piece in iter_variances_each(session=session, with_indicators=False, **kwargs) for v in piece]
    assert repr(v) == repr(each)
    assert session.execute(sa.text("SELECT 1")).scalar() == 1  # the transaction is still usable
