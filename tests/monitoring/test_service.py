"""Variance over the database: the interface fields, lights, scope, indicator lights and daily snapshots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.support import DESTITUTE, LOW_INCOME, WAN, batch, lagging_first_quarter, load_changli, pay, project
from tracker.errors import NotFound
from tracker.models import Indicator, IndicatorResult, VarianceSnapshot
from tracker.monitoring.per_project import project_variance
from tracker.monitoring.schemas import variance_out
from tracker.monitoring.service import project_variances
from tracker.monitoring.snapshots import take_snapshots
from tracker.rules import load_rules
from tracker.scope import Scope

ALL = Scope.everything()
MARCH_31 = date(2024, 3, 31)


def test_a_lagging_project_at_its_checkpoint_shows_planned_actual_ratio_and_light(session: Session) -> None:
    lagging_first_quarter(session)
    p = project(session, LOW_INCOME)
    assert p.id is not None
    out = variance_out(
        project_variance(rules=load_rules(), session=session, scope=ALL, project_id=p.id, as_of=MARCH_31)
    )
    shown = out.model_dump(include={"dept_code", "code", "budget_wan", "planned_wan", "actual_wan", "planned_pct",
                                    "actual_pct", "time_progress_pct", "ratio", "light"})  # fmt: skip
    assert shown == {
        "dept_code": "314001", "code": "13032224P00XC0610101R", "budget_wan": "1400.00", "planned_wan": "350.00",
        "actual_wan": "100.00", "planned_pct": 25.0, "actual_pct": 7.14, "time_progress_pct": 25.0,
        "ratio": 0.2857, "light": "red",
    }  # fmt: skip
    assert (out.checkpoint_month, out.next_checkpoint_month, out.lagging) == (3, 6, True)


def test_the_light_waits_for_the_first_checkpoint_while_the_plan_interpolates_from_january(session: Session) -> None:
    load_changli(session)
    year_end_only = project(session, ("320001", "13032224P000N2E10172Y"))  # plan: 12月底 100% only
    assert year_end_only.id is not None
    out = variance_out(
        project_variance(rules=load_rules(), session=session, scope=ALL, project_id=year_end_only.id, as_of=MARCH_31)
    )
    assert out.light is None and out.ratio == 0.0 and out.checkpoint_month is None
    assert out.planned_pct == 24.66  # 90 of 365 days towards 100% on 31 December
    assert out.planned_wan == "36.99"


def test_payments_after_the_date_are_not_counted(session: Session) -> None:
    lagging_first_quarter(session)
    p = project(session, LOW_INCOME)
    assert p.id is not None
    assert (
        project_variance(
            rules=load_rules(), session=session, scope=ALL, project_id=p.id, as_of=MARCH_31
        ).spend.actual_fen
        == 100 * WAN
    )
    april = project_variance(
        rules=load_rules(), session=session, scope=ALL, project_id=p.id, as_of=date(2024, 4, 1)
    ).spend
    assert april.actual_fen == 400 * WAN and april.light is not None and april.light.value == "green"


def test_a_units_scope_sees_only_its_projects(session: Session) -> None:
    load_changli(session)
    mine = Scope.of_units({("130322", "314001")})
    rows = project_variances(rules=load_rules(), session=session, scope=mine, year=2024, as_of=MARCH_31)
    assert len(rows) == 9 and {r.dept_code for r in rows} == {"314001"}
    other = project(session, ("360001", "13032224P002R2X10071K"))
    assert other.id is not None
    with pytest.raises(NotFound):
        project_variance(rules=load_rules(), session=session, scope=mine, project_id=other.id, as_of=MARCH_31)


def test_indicator_lights_follow_direction_and_grade_and_the_worst_sets_the_overall_light(session: Session) -> None:
    load_changli(session)
    p = project(session, LOW_INCOME)
    b = batch(session)
    reports = {1: ("2000人", Decimal(2000), None), 2: ("97%", Decimal(97), None),
               4: ("7000元", Decimal(7000), None), 6: ("达成年度指标", None, "达成年度指标")}  # fmt: skip
    for seq, (text, value, grade) in reports.items():
        ind = session.exec(select(Indicator).where(Indicator.project_id == p.id, Indicator.seq == seq)).one()
        assert ind.id is not None
        session.add(IndicatorResult(indicator_id=ind.id, batch_id=b, as_of=date(2024, 3, 31), actual_text=text,
                                    actual_value=value, grade=grade))  # fmt: skip
    session.flush()
    assert p.id is not None
    v = project_variance(rules=load_rules(), session=session, scope=ALL, project_id=p.id, as_of=date(2024, 2, 1))
    lights = {i.seq: (i.progress.light.value if i.progress.light else None) for i in v.indicators}
    assert set(lights.values()) == {None}  # reported on 31 March: not yet known on 1 February
    v = project_variance(rules=load_rules(), session=session, scope=ALL, project_id=p.id, as_of=date(2024, 4, 1))
    lights = {i.seq: (i.progress.light.value if i.progress.light else None) for i in v.indicators}
    # DOMAIN.md §4: 2000 of ≥5000人 (cumulative) on 31 March is measured on the 25% of the plan due by
    # then: 2000 / (5000 × 25%) = 1.6, green — not 0.4 of the whole year's target
    assert {k: lights[k] for k in (1, 2, 3, 4, 6)} == {1: "green", 2: "green", 3: None, 4: "red", 6: "green"}
    assert (v.indicators[0].progress.ratio, v.indicators[0].progress.due_share) == (Decimal("1.6000"), Decimal("0.25"))
    assert v.indicator_light is not None and v.indicator_light.value == "red"
    assert v.overall_light is not None and v.overall_light.value == "red"  # spend is still red too


def test_the_variance_job_keeps_one_snapshot_per_project_and_day_and_a_rerun_replaces_it(session: Session) -> None:
    lagging_first_quarter(session)
    first = take_snapshots(rules=load_rules(), session=session, as_of=MARCH_31)
    assert first["projects"] == 44 and first["red"] == 2 and first["yellow"] == 2
    p = project(session, DESTITUTE)
    pay(session, p, 100 * WAN, MARCH_31, batch(session))
    session.flush()
    second = take_snapshots(rules=load_rules(), session=session, as_of=MARCH_31)
    assert second["yellow"] == 1
    rows = session.exec(select(VarianceSnapshot).where(VarianceSnapshot.as_of == MARCH_31)).all()
    assert len(rows) == 44
    mine = next(r for r in rows if r.project_id == p.id)
    assert (mine.actual_fen, mine.light, mine.checkpoint_month) == (450 * WAN, "green", 3)
    take_snapshots(rules=load_rules(), session=session, as_of=date(2024, 4, 1))
    assert len(session.exec(select(VarianceSnapshot).where(VarianceSnapshot.project_id == p.id)).all()) == 2
