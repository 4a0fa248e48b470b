"""Rules per region and year (DOMAIN.md §1.1): every rule applied to a project is its own place's and year's.

抚宁区 (130306) and 昌黎县 (130322) publish the same table and pay nothing by 1 April, so with the same
rules their twin projects light, score and list alike; an override for 抚宁区 changes 抚宁区's only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from tests.places.test_two_counties import CHANGLI, two_counties
from tests.support import FUNING
from tracker.core.lights import Light
from tracker.evaluation.service import evaluate
from tracker.monitoring.key_list import list_key_projects
from tracker.monitoring.service import project_variances
from tracker.rules import Rules, load_rules, parse_rules
from tracker.scope import Scope

APRIL = date(2024, 4, 1)


def lights(session: Session, rules: Rules) -> dict[str, dict[str, Light | None]]:
    """region → project code (without its region prefix) → spending light on 1 April 2024."""
    out: dict[str, dict[str, Light | None]] = {CHANGLI: {}, FUNING: {}}
    for v in project_variances(session=session, scope=Scope.everything(), year=2024, as_of=APRIL, rules=rules):
        out[v.region_code][f"{v.dept_code}/{v.code[6:]}"] = v.spend.light
    return out


def with_funing(**sections: object) -> Rules:
    return parse_rules({"regions": {FUNING: sections}})


def test_a_regions_variance_thresholds_change_the_lights_of_its_projects_only(session: Session) -> None:
    two_counties(session)
    before = lights(session, load_rules())
    assert before[CHANGLI] == before[FUNING] and Light.RED in before[FUNING].values()
    after = lights(session, with_funing(variance={"min_gap_wan": 100_000}))  # no gap below 10亿 lights up
    assert after[CHANGLI] == before[CHANGLI]
    assert Light.RED not in after[FUNING].values() and Light.YELLOW not in after[FUNING].values()


def test_a_year_override_leaves_other_years_alone(session: Session) -> None:
    two_counties(session)
    before = lights(session, load_rules())
    assert lights(session, with_funing(years={2025: {"variance": {"min_gap_wan": 100_000}}})) == before
    assert lights(session, parse_rules({"years": {2025: {"variance": {"min_gap_wan": 100_000}}}})) == before


def execution_points(session: Session, rules: Rules) -> dict[str, dict[str, Decimal | None]]:
    """region → project code (without its region prefix) → points of 预算执行率 in the year-end score."""
    out: dict[str, dict[str, Decimal | None]] = {CHANGLI: {}, FUNING: {}}
    for e in evaluate(session=session, scope=Scope.everything(), year=2024, rules=rules):
        out[e.region_code][f"{e.dept_code}/{e.code[6:]}"] = e.execution_points
    return out


def test_a_regions_scoring_weights_score_its_projects_only(session: Session) -> None:
    two_counties(session)
    before = execution_points(session, load_rules())
    weights = {"预算执行率": 30, "产出指标": 30, "效益指标": 30, "满意度指标": 10}
    after = execution_points(session, with_funing(scoring={"weights": weights}))
    assert after[CHANGLI] == before[CHANGLI] == before[FUNING]
    changed = [code for code, points in after[FUNING].items() if points is not None]
    assert changed and all(after[FUNING][c] > (before[FUNING][c] or 0) for c in changed)  # 10 → 30 of 100


def test_a_regions_key_monitoring_tiers_list_its_projects_only(session: Session) -> None:
    two_counties(session)
    assert list_key_projects(session=session, as_of=date(2024, 4, 2), rules=load_rules()) == []  # tiers: 8 and 9月
    march = {"tiers": [{"month": 3, "min_budget_wan": 0, "below_rate": 1}]}
    listed = list_key_projects(session=session, as_of=date(2024, 4, 2), rules=with_funing(key_monitoring=march))
    assert listed and {k.region_code for k in listed} == {FUNING}
