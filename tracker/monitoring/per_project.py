"""Variance one project at a time from its published data (`ProjectData`), by the pure core.

One project (`project_variance`), chosen ids (`variances_of`), each project on its own day
(`checkpoint_variances`), and `iter_variances_each`, the reference the set path (service.py) is tested against.
Reads targets through `load_core` and `core_of`, payments through `actuals.read.cumulative_paid` and results
through `actuals.read.result_history`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from sqlmodel import Session

from tracker.access import visible_project
from tracker.actuals.read import ResultView, cumulative_paid, project_reports, result_history
from tracker.bulk import chunks
from tracker.core.plan import checkpoint_date, plan_line
from tracker.core.project import ProjectData
from tracker.core.variance import VarianceResult, compute_variance
from tracker.models import Project
from tracker.monitoring.lights import indicator_lights, rules_by_place
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.service import build_variance, effective_as_of
from tracker.monitoring.spend_set import key_listed
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.targets.loading import CORE_CHUNK, core_of, iter_core, load_core


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
    of_place = rules_by_place(rules)
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
        lights = indicator_lights(data, seq_to_id[p.id], history, day, i_rules, t_rules) if with_indicators else []
        out.append(
            build_variance(
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
    of_place = rules_by_place(rules)
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
