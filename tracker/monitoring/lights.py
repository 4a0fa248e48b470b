"""Which lights apply where, and each indicator's light from its stored reports.

The thresholds of a place and year (config/rules.yaml `variance:`, `indicators:`, and its target rules), read
once per place for a run; an indicator's light and forecast from the pure core (core.progress). Both measuring
paths light indicators here: service.py a piece at a time, per_project.py one project at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache, partial

from tracker.actuals.read import ResultView, forecast_of
from tracker.core.goals import Goal, TargetRules, goal_of
from tracker.core.grades import Grade
from tracker.core.lights import LightRules
from tracker.core.plan import share_due
from tracker.core.progress import IndicatorProgress, indicator_progress
from tracker.core.project import IndicatorData, ProjectData
from tracker.core.values import Kind
from tracker.monitoring.measured import IndicatorLight
from tracker.rules import Rules, target_rules


def spend_rules(rules: Rules) -> LightRules:
    """Spending light thresholds of `variance:` (DOMAIN.md §3); pass `rules.for_place(...)` for a project."""
    return rules.variance.lights()


def indicator_rules(rules: Rules) -> LightRules:
    """Indicator light thresholds of `indicators:` (DOMAIN.md §4)."""
    return rules.indicators.lights()


def _reported(ind: IndicatorData, history: list[ResultView]) -> list[tuple[date, Decimal | Grade | str]]:
    out: list[tuple[date, Decimal | Grade | str]] = []
    for r in history:
        if ind.target.kind == Kind.QUALITATIVE:
            if r.grade:
                out.append((r.as_of, r.grade))
        elif r.actual_value is not None:
            out.append((r.as_of, r.actual_value))
    return out


def indicator_goal(ind: IndicatorData, rules: TargetRules) -> Goal | None:
    """What a quantitative indicator aims at (core.goals), from its target, 二级 and words."""
    if ind.target.kind is not Kind.QUANTITATIVE or ind.target.value is None:
        return None
    return goal_of(ind.target, level2=ind.level2, words=ind.level3 + ind.description, rules=rules)


def indicator_lights(
    data: ProjectData,
    ids: dict[int, int],
    history: dict[int, list[ResultView]],
    as_of: date,
    rules: LightRules,
    targets: TargetRules,
) -> list[IndicatorLight]:
    out = []
    for ind in data.indicators:
        if not ind.applicable:
            continue
        reports = history.get(ids.get(ind.seq, -1), [])
        problem = None
        try:
            progress = indicator_progress(
                target=ind.target,
                reported=_reported(ind, reports),
                accumulation=ind.accumulation,
                as_of=as_of,
                rules=rules,
                goal=indicator_goal(ind, targets),
                share_due=partial(share_due, data.plan, year=data.year),
                unit_forecast=_unit_forecast(reports, as_of),
            )
        except ValueError as exc:
            problem = str(exc)
            progress = IndicatorProgress(actual=None, grade=None, reported_on=None, ratio=None, light=None)
        shown = next((r.actual_text for r in reversed(reports) if r.as_of == progress.reported_on), None)
        out.append(
            IndicatorLight(
                seq=ind.seq,
                level1=ind.level1,
                level2=ind.level2,
                level3=ind.level3,
                target_text=ind.target.text,
                accumulation=ind.accumulation.value,
                progress=progress,
                actual_text=shown,
                problem=problem,
            )
        )
    return out


def _unit_forecast(reports: list[ResultView], as_of: date) -> Decimal | None:
    """The unit's latest 全年预计完成值 up to `as_of`: a later report that gives only the actual keeps it (§4)."""
    given = forecast_of(reports, as_of)
    return given.forecast_value if given is not None else None


def rules_by_place(rules: Rules) -> Callable[[str, int], tuple[LightRules, LightRules, TargetRules]]:
    """A place's spending, indicator and target rules, read once per (region, year) for a run of many projects."""

    @cache
    def of_place(region_code: str, year: int) -> tuple[LightRules, LightRules, TargetRules]:
        place = rules.for_place(region_code, year)
        return spend_rules(place), indicator_rules(place), target_rules(place)

    return of_place


def spend_rules_by_place(rules: Rules) -> Callable[[str, int], LightRules]:
    """A place's spending rules alone, read once per (region, year): a run without indicators needs no more."""

    @cache
    def of_place(region_code: str, year: int) -> LightRules:
        return spend_rules(rules.for_place(region_code, year))

    return of_place
