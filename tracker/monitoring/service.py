"""Variance over the database: each project's spending against plan and its indicators' lights.

Reads targets through `load_core`, payments through `actuals.read.cumulative_paid` and results
through `actuals.read.result_history`; the rules themselves are the pure `core.variance`, `core.lights`
and `core.progress`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache, partial

from sqlmodel import Session

from tracker.access import visible_project
from tracker.actuals.read import ResultView, cumulative_paid, forecast_of, project_reports, result_history
from tracker.bulk import chunks
from tracker.clock import today
from tracker.core.goals import Goal, TargetRules, goal_of
from tracker.core.lights import LightRules, project_light, worst_light
from tracker.core.plan import checkpoint_date, plan_line, share_due
from tracker.core.progress import IndicatorProgress, indicator_progress
from tracker.core.project import IndicatorData, ProjectData
from tracker.core.values import Grade, Kind
from tracker.core.variance import VarianceResult, compute_variance
from tracker.models import Project
from tracker.monitoring.measured import IndicatorLight, ProjectVariance
from tracker.monitoring.selection import Selection, count
from tracker.monitoring.spend_lines import iter_lines
from tracker.monitoring.spend_set import SET_CHUNK, SPEND_CHUNK, key_listed, spend_of, spend_rows, years_of
from tracker.rules import Rules, target_rules
from tracker.scope import Scope
from tracker.targets.service import CORE_CHUNK, core_of, iter_core, load_core

log = logging.getLogger(__name__)


def spend_rules(rules: Rules) -> LightRules:
    """Spending light thresholds of `variance:` (DOMAIN.md §3); pass `rules.for_place(...)` for a project."""
    return rules.variance.lights()


def indicator_rules(rules: Rules) -> LightRules:
    """Indicator light thresholds of `indicators:` (DOMAIN.md §4)."""
    return rules.indicators.lights()


def effective_as_of(year: int, as_of: date | None) -> date:
    """The date a project of `year` is measured on: as given, else today, but never after 31 December."""
    return as_of if as_of is not None else min(today(), date(year, 12, 31))


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


def _indicator_lights(
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


def _unit_spend_forecasts(session: Session, by_day: Mapping[date, list[int]]) -> dict[int, int]:
    """The unit's own 全年预计执行数 (upload sheet 项目) per project: its latest as of each project's day."""
    out: dict[int, int] = {}
    for day, ids in by_day.items():
        for pid, report in project_reports(session=session, project_ids=ids, as_of=day).items():
            if report.forecast_fen is not None:
                out[pid] = report.forecast_fen
    return out


def _paid_at_checkpoints(
    session: Session, pairs: list[tuple[Project, ProjectData]], days: dict[int, date]
) -> dict[int, int]:
    """What each project had paid by its latest checkpoint before its measuring day.

    A checkpoint on the measuring day itself is left out: compute_variance takes what is paid that day.
    """
    by_day: dict[date, list[int]] = defaultdict(list)
    for p, data in pairs:
        assert p.id is not None
        last = plan_line(tuple(data.plan), p.year).last(days[p.id])
        if last is not None and (day := checkpoint_date(p.year, last.month)) != days[p.id]:
            by_day[day].append(p.id)
    paid: dict[int, int] = {}
    for day, ids in by_day.items():
        paid.update(cumulative_paid(session=session, project_ids=ids, as_of=day))
    return paid


def _rules_by_place(rules: Rules) -> Callable[[str, int], tuple[LightRules, LightRules, TargetRules]]:
    """A place's spending, indicator and target rules, read once per (region, year) for a run of many projects."""

    @cache
    def of_place(region_code: str, year: int) -> tuple[LightRules, LightRules, TargetRules]:
        place = rules.for_place(region_code, year)
        return spend_rules(place), indicator_rules(place), target_rules(place)

    return of_place


def _spend_rules_by_place(rules: Rules) -> Callable[[str, int], LightRules]:
    """A place's spending rules alone, read once per (region, year): a run without indicators needs no more."""

    @cache
    def of_place(region_code: str, year: int) -> LightRules:
        return spend_rules(rules.for_place(region_code, year))

    return of_place


def _variance(
    *,
    project_id: int,
    year: int,
    region_code: str,
    region_name: str,
    initial_fen: int,
    dept_code: str,
    dept_name: str,
    code: str,
    name: str,
    spend: VarianceResult,
    lights: list[IndicatorLight],
    key_monitoring: bool,
) -> ProjectVariance:
    """One project's variance from its spending and its indicator lights; both measuring paths build it here."""
    ind_light = worst_light(i.progress.light for i in lights) if lights else None
    overall = project_light(spend=spend.light, indicators=[ind_light]) if ind_light is not None else spend.light
    return ProjectVariance(
        project_id=project_id,
        year=year,
        region_code=region_code,
        region_name=region_name,
        initial_fen=initial_fen,
        dept_code=dept_code,
        dept_name=dept_name,
        code=code,
        name=name,
        spend=spend,
        indicators=lights,
        indicator_light=ind_light,
        overall_light=overall,  # without indicator lights, the spend light
        key_monitoring=key_monitoring,
    )


def _measure(
    session: Session,
    pairs: list[tuple[Project, ProjectData]],
    as_of: date | None,
    *,
    with_indicators: bool,
    rules: Rules,
) -> list[ProjectVariance]:
    by_day: dict[date, list[int]] = defaultdict(list)
    days: dict[int, date] = {}
    for p, _ in pairs:
        assert p.id is not None
        days[p.id] = effective_as_of(p.year, as_of)
        by_day[days[p.id]].append(p.id)
    paid: dict[int, int] = {}
    for day, ids in by_day.items():
        paid.update(cumulative_paid(session=session, project_ids=ids, as_of=day))
    at_checkpoint = _paid_at_checkpoints(session, pairs, days)
    history: dict[int, list[ResultView]] = {}
    seq_to_id: dict[int, dict[int, int]] = defaultdict(dict)
    if with_indicators and pairs:
        ids = [p.id for p, _ in pairs if p.id is not None]
        history = result_history(session=session, project_ids=ids, as_of=max(by_day))
        for views in history.values():
            for v in views:
                seq_to_id[v.project_id][v.seq] = v.indicator_id
    unit_forecasts = _unit_spend_forecasts(session, by_day)
    keyed = key_listed(session, days)
    of_place = _rules_by_place(rules)
    out = []
    for p, data in pairs:
        assert p.id is not None
        day = days[p.id]
        s_rules, i_rules, t_rules = of_place(p.region_code, p.year)  # the project's region and year decide its lights
        spend = compute_variance(
            budget_fen=data.budget_fen, plan=data.plan, actual_fen=paid[p.id], as_of=day, year=p.year, rules=s_rules,
            actual_at_checkpoint_fen=at_checkpoint.get(p.id), unit_forecast_fen=unit_forecasts.get(p.id),
            budget_on=data.budget_on,  # the effective budget: adjustments count from their date
        )  # fmt: skip
        lights = _indicator_lights(data, seq_to_id[p.id], history, day, i_rules, t_rules) if with_indicators else []
        out.append(
            _variance(
                project_id=p.id,
                year=p.year,
                region_code=p.region_code,
                region_name=data.region_name,
                initial_fen=data.budget_fen,
                dept_code=p.dept_code,
                dept_name=data.dept_name,
                code=p.code,
                name=p.name,
                spend=spend,
                lights=lights,
                key_monitoring=p.id in keyed,
            )
        )
    return out


def project_variances(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    as_of: date | None = None,
    with_indicators: bool = True,
    rules: Rules,
    region_code: str | None = None,
) -> list[ProjectVariance]:
    """Every project the scope may see, measured on `as_of` (default: today, capped at its year's end)."""
    pieces = iter_variances(
        session=session,
        scope=scope,
        year=year,
        dept_code=dept_code,
        as_of=as_of,
        with_indicators=with_indicators,
        rules=rules,
        region_code=region_code,
    )
    return [v for piece in pieces for v in piece]


def iter_variances(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    as_of: date | None = None,
    with_indicators: bool = True,
    rules: Rules,
    region_code: str | None = None,
) -> Iterator[list[ProjectVariance]]:
    """`project_variances` in pieces of a few thousand projects: memory stays flat whatever the install.

    The spending figures of each year come from one streamed statement (monitoring.spend_sql); with
    indicators, each piece's published indicators and results are read and measured by the core.
    """
    of_place, spending = _rules_by_place(rules), _spend_rules_by_place(rules)  # once per run, across pieces
    size = SET_CHUNK if with_indicators else SPEND_CHUNK  # with indicators, each project's published data too
    for sel in _selections(session, scope, year, dept_code, region_code, as_of):
        for lines in _spending(session, sel, rules, spending, size):
            yield _measure_set(session, lines, with_indicators=with_indicators, of_place=of_place)


def variance_page(
    *,
    session: Session,
    scope: Scope,
    rules: Rules,
    limit: int,
    offset: int = 0,
    year: int | None = None,
    dept_code: str | None = None,
    as_of: date | None = None,
    region_code: str | None = None,
) -> tuple[list[ProjectVariance], int]:
    """One page of `project_variances` (with indicators, table order) and how many there are in all: the
    statement pages in SQL and only the page's projects are measured, however large the selection."""
    of_place, spending = _rules_by_place(rules), _spend_rules_by_place(rules)
    out: list[ProjectVariance] = []
    total = 0
    for sel in _selections(session, scope, year, dept_code, region_code, as_of):
        found = count(session, sel)
        start, take = max(offset - total, 0), limit - len(out)
        total += found
        if take > 0 and start < found:
            for measured in _spending(session, replace(sel, limit=take, offset=start), rules, spending, SET_CHUNK):
                out += _measure_set(session, measured, with_indicators=True, of_place=of_place)
    return out, total


def _selections(
    session: Session,
    scope: Scope,
    year: int | None,
    dept_code: str | None,
    region_code: str | None,
    as_of: date | None,
) -> list[Selection]:
    """One selection a year (as_of's year, else every year the scope holds), each measured on its own day."""
    if year is None and as_of is not None:
        year = as_of.year
    years = [year] if year is not None else years_of(session=session, scope=scope, dept_code=dept_code,
                                                       region_code=region_code)  # fmt: skip
    return [Selection(scope=scope, year=y, day=effective_as_of(y, as_of), dept_code=dept_code,
                      region_code=region_code) for y in years]  # fmt: skip


def _spending(
    session: Session, sel: Selection, rules: Rules, spending: Callable[[str, int], LightRules], size: int
) -> Iterator[list[ProjectVariance]]:
    """The selection's spending from the statement, by the year's rules and those of regions with their own."""
    base = spending("", sel.year)
    overrides = {code: lr for code in rules.regions if (lr := spending(code, sel.year)) != base}
    measure = partial(_by_core, session, sel, spending)
    return iter_lines(session=session, sel=sel, base=base, overrides=overrides, size=size, measure=measure)


def _by_core(
    session: Session, sel: Selection, spending: Callable[[str, int], LightRules], project_ids: list[int]
) -> dict[int, VarianceResult]:
    """These projects' spending measured by the pure core (what the statement leaves to it)."""
    rows = spend_rows(session=session, project_ids=project_ids, year=sel.year, day=sel.day)
    return {r.project_id: spend_of(r, spending(r.region_code, r.year)) for r in rows}


def iter_variances_each(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    as_of: date | None = None,
    with_indicators: bool = True,
    rules: Rules,
    region_code: str | None = None,
) -> Iterator[list[ProjectVariance]]:
    """`iter_variances` one project at a time from its `ProjectData`: the reference the set path is tested against."""
    if year is None and as_of is not None:
        year = as_of.year
    pieces = iter_core(
        session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code,
        indicators=with_indicators,
    )  # fmt: skip
    for pairs in pieces:
        yield _measure(session, pairs, as_of, with_indicators=with_indicators, rules=rules)


def _measure_set(
    session: Session,
    measured: list[ProjectVariance],
    *,
    with_indicators: bool,
    of_place: Callable[[str, int], tuple[LightRules, LightRules, TargetRules]],
) -> list[ProjectVariance]:
    """The projects measured without indicators (spend_sql), with them where asked: their published indicators
    and results read for the piece and lit by the rules of each project's region and year (`of_place`)."""
    if not with_indicators or not measured:
        return measured
    ids = [v.project_id for v in measured]
    datas = {p.id: d for p, d in core_of(session=session, project_ids=ids) if p.id is not None}
    history = result_history(session=session, project_ids=ids, as_of=max(v.spend.as_of for v in measured))
    seq_to_id: dict[int, dict[int, int]] = defaultdict(dict)
    for views in history.values():
        for view in views:
            seq_to_id[view.project_id][view.seq] = view.indicator_id
    out = []
    for v in measured:
        _, i_rules, t_rules = of_place(v.region_code, v.year)
        data = datas.get(v.project_id)
        lights = [] if data is None else _indicator_lights(data, seq_to_id[v.project_id], history, v.spend.as_of,
                                                           i_rules, t_rules)  # fmt: skip
        out.append(
            _variance(
                project_id=v.project_id,
                year=v.year,
                region_code=v.region_code,
                region_name=v.region_name,
                initial_fen=v.initial_fen,
                dept_code=v.dept_code,
                dept_name=v.dept_name,
                code=v.code,
                name=v.name,
                spend=v.spend,
                lights=lights,
                key_monitoring=v.key_monitoring,
            )
        )
    return out


def variances_of(
    *, session: Session, project_ids: Sequence[int], as_of: date | None = None, rules: Rules
) -> Iterator[list[ProjectVariance]]:
    """These projects measured with their indicators, in pieces (the caller has checked their scope)."""
    for part in chunks(project_ids, CORE_CHUNK):
        yield _measure(session, core_of(session=session, project_ids=part), as_of, with_indicators=True, rules=rules)


def project_variance(
    *, session: Session, scope: Scope, project_id: int, rules: Rules, as_of: date | None = None
) -> ProjectVariance:
    """One project's variance with its indicators; another unit's project answers 404 like a missing one."""
    project = visible_project(session=session, scope=scope, project_id=project_id)
    pairs = [
        pair
        for pair in load_core(
            session=session,
            scope=scope,
            year=project.year,
            dept_code=project.dept_code,
            region_code=project.region_code,
        )
        if pair[0].id == project_id
    ]
    return _measure(session, pairs, as_of, with_indicators=True, rules=rules)[0]


def checkpoint_variances(
    *, session: Session, pairs: list[tuple[Project, ProjectData]], days: Mapping[int, date], rules: Rules
) -> dict[int, VarianceResult]:
    """Each project's variance on its own date (e.g. its last checkpoint), paid up to then, by its place's lights."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for pid, day in days.items():
        by_day[day].append(pid)
    paid: dict[int, int] = {}
    for day, ids in by_day.items():
        paid.update(cumulative_paid(session=session, project_ids=ids, as_of=day))
    of_place = _rules_by_place(rules)
    out: dict[int, VarianceResult] = {}
    for p, data in pairs:
        if p.id is not None and p.id in days:
            out[p.id] = compute_variance(
                budget_fen=data.budget_fen,
                plan=data.plan,
                actual_fen=paid[p.id],
                as_of=days[p.id],
                year=p.year,
                rules=of_place(p.region_code, p.year)[0],
                budget_on=data.budget_on,
            )
    return out
