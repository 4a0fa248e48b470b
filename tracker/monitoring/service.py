"""Variance over the database: each project's spending against plan and its indicators' lights, a selection at a time.

Spending comes from one streamed statement per year (spend_lines, spend_sql); each piece's published indicators
and results are read through `core_of` and `actuals.read.result_history` and lit by monitoring.lights. The rules
themselves are the pure `core.variance`, `core.lights` and `core.progress`; one project at a time from its
published data is per_project.py.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from functools import partial

from sqlmodel import Session

from tracker.actuals.read import result_history
from tracker.clock import today
from tracker.core.goals import TargetRules
from tracker.core.lights import LightRules, project_light, worst_light
from tracker.core.variance import VarianceResult
from tracker.monitoring.lights import indicator_lights, rules_by_place, spend_rules_by_place
from tracker.monitoring.measured import IndicatorLight, ProjectVariance
from tracker.monitoring.selection import Selection, count
from tracker.monitoring.spend_lines import iter_lines
from tracker.monitoring.spend_set import SET_CHUNK, SPEND_CHUNK, spend_of, spend_rows, years_of
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.targets.loading import core_of

log = logging.getLogger(__name__)


def effective_as_of(year: int, as_of: date | None) -> date:
    """The date a project of `year` is measured on: as given, else today, but never after 31 December."""
    return as_of if as_of is not None else min(today(), date(year, 12, 31))


def build_variance(
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
    of_place, spending = rules_by_place(rules), spend_rules_by_place(rules)  # once per run, across pieces
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
    of_place, spending = rules_by_place(rules), spend_rules_by_place(rules)
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
        lights = [] if data is None else indicator_lights(data, seq_to_id[v.project_id], history, v.spend.as_of,
                                                           i_rules, t_rules)  # fmt: skip
        out.append(
            build_variance(
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
