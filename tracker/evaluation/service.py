"""Year-end self-evaluation: gather a year's money and results per project and score them (DOMAIN.md §5).

Rules of the gathering, stated once:
- 全年执行数 = live payments dated up to 31 December of the year (actuals.read.cumulative_paid).
- The actual of an indicator is its latest current result dated up to 31 December.
- A qualitative target with a direction (较上年提高) reported as a number with 上年值 is scored by
  whether the number moved in the target's direction (达成 or 未达成 at the default share); the table
  shows it as "1280（上年1200）".
- 年初预算数 is the published (initial) budget; 全年预算数 the effective budget on 31 December
  (tracker/budget: 年初 + carry-over + adjustments in force), each split by funding source;
  全年执行数 is split by the payments' funding source.
- A number reported for a quantitative target is scored by formula; a grade or score uploaded with
  it is ignored and noted. An evaluator score outside its grade's band is dropped (the grade's
  default share scores instead) and the problem is listed in the workbook.
- 偏差原因分析及改进措施 = the uploaded reason (with its category) and measures.

The gathering is here; rows.py makes each project's scoring inputs, score and rows from what it gathers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, func, select

from tracker.access import visible_project
from tracker.actuals.read import ResultView, cumulative_paid, latest_results, paid_by_source, project_reports
from tracker.budget.service import load_budgets
from tracker.core.project import Funds
from tracker.core.scoring_rules import ScoringRules
from tracker.errors import InvalidInput
from tracker.evaluation.rows import evaluate_one
from tracker.evaluation.schemas import Evaluation
from tracker.models import Project
from tracker.rules import Rules, scoring_rules
from tracker.scope import Scope
from tracker.targets.loading import core_of, load_core

__all__ = ["evaluate", "page_of_projects"]


def evaluate(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    project_id: int | None = None,
    rules: Rules,
    region_code: str | None = None,
    project_ids: Sequence[int] | None = None,
) -> list[Evaluation]:
    """Score every project of the year the scope may see (or one unit's, one project, or these of the year).

    `project_ids` (a page of the 导出 page, chosen in SQL) must belong to `year`; ones outside the scope are
    left out.
    """
    if project_id is None and year is None:
        raise InvalidInput("需要年度或项目")
    if project_id is not None:
        project = visible_project(session=session, scope=scope, project_id=project_id)
        year, dept_code, region_code = project.year, project.dept_code, project.region_code
        project_ids = [project_id]
    if project_ids is not None:
        loaded = [
            (p, d) for p, d in core_of(session=session, project_ids=project_ids) if scope.sees(p) and p.year == year
        ]
    else:
        loaded = load_core(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code)
    ids = [p.id for p, _ in loaded if p.id is not None]
    assert year is not None
    year_end = date(year, 12, 31)
    paid = cumulative_paid(session=session, project_ids=ids, as_of=year_end)
    results: dict[int, dict[int, ResultView]] = defaultdict(dict)
    for r in latest_results(session=session, project_ids=ids, as_of=year_end).values():
        results[r.project_id][r.seq] = r
    budgets = load_budgets(session=session, projects=[p for p, _ in loaded])
    by_source = paid_by_source(session=session, project_ids=ids, as_of=year_end)
    reports = project_reports(session=session, project_ids=ids, as_of=year_end)  # the unit's own 实际完成情况
    out = []
    scoring_of: dict[tuple[str, int], ScoringRules] = {}  # a place's scoring rules built once, not per project
    for project, data in loaded:
        assert project.id is not None
        budget = budgets[project.id]
        place = (project.region_code, project.year)
        if place not in scoring_of:
            scoring_of[place] = scoring_rules(rules.for_place(project.region_code, project.year))
        evaluation = evaluate_one(
            project.id,
            data,
            Funds.of(budget.initial_by_source()),
            Funds.of(budget.by_source(year_end)),
            paid.get(project.id, 0),
            results[project.id],
            scoring_of[place],
        )
        evaluation.executed = Funds.of(by_source.get(project.id, {}))
        evaluation.region_code, evaluation.region_name = project.region_code, data.region_name
        evaluation.narrative = reports[project.id].narrative if project.id in reports else ""
        out.append(evaluation)
    return out


def page_of_projects(
    *,
    session: Session,
    scope: Scope,
    year: int,
    dept_code: str | None = None,
    region_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[int], int]:
    """The ids of one page of the year's projects the scope may see, in table order, and how many there are.

    Both come from SQL (ix_project_year_region_code_heading_no serves the order), so a page of the 导出 or 目标审核
    list costs the same at 44 projects or 60,000.
    """
    query = scope.filter(select(Project.id).where(Project.year == year), Project.region_code, Project.dept_code)
    if dept_code is not None:
        query = query.where(Project.dept_code == dept_code)
    if region_code is not None:
        query = query.where(Project.region_code == region_code)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = (col(Project.region_code), col(Project.heading_no), col(Project.id))
    ids = session.exec(query.order_by(*order).offset(offset).limit(limit))
    return [i for i in ids if i is not None], int(total)
