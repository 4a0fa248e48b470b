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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tracker.access import visible_project
from tracker.actuals.read import ResultView, cumulative_paid, latest_results, paid_by_source, project_reports
from tracker.budget.service import load_budgets
from tracker.core.project import Funds, IndicatorData, ProjectData
from tracker.core.scoring import ProjectScore, score_project
from tracker.core.scoring_indicators import IndicatorActual, RowStatus, ScoringError
from tracker.core.scoring_rules import ScoringRules
from tracker.core.values import Kind, parse_grade
from tracker.errors import InvalidInput
from tracker.evaluation.schemas import Evaluation, Row
from tracker.models import Project
from tracker.rules import Rules, scoring_rules
from tracker.scope import Scope
from tracker.targets.service import core_of, load_core

__all__ = ["evaluate", "page_of_projects", "scoring_rules", "visible_project"]


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
        evaluation = _evaluate_one(
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


def _evaluate_one(
    project_id: int,
    data: ProjectData,
    initial: Funds,
    budget: Funds,
    executed_fen: int,
    results: dict[int, ResultView],
    rules: ScoringRules,
) -> Evaluation:
    problems: list[str] = []
    inputs = [_actual(ind, results.get(ind.seq), rules, problems) for ind in data.indicators]
    evaluation = Evaluation(
        project_id=project_id,
        year=data.year,
        heading_no=data.heading_no,
        dept_code=data.dept_code,
        dept_name=data.dept_name,
        code=data.code,
        name=data.name,
        objectives=list(data.objectives),
        initial=initial,
        budget=budget,
        executed_fen=executed_fen,
        execution_rate=None,
        execution_points=None,
        execution_score=None,
        rows=[],
        total=None,
        grade=None,
        complete=False,
        problems=problems,
    )
    score = _score(budget.total_fen, executed_fen, inputs, rules, problems)
    if score is None:
        evaluation.rows = [_unscored_row(i, results.get(i.seq)) for i in inputs]
        return evaluation
    by_seq = {i.seq: i for i in inputs}
    evaluation.execution_rate = score.execution_rate
    evaluation.execution_points = score.execution_points
    evaluation.execution_score = score.execution_score
    evaluation.total = score.total
    evaluation.grade = score.grade
    evaluation.complete = score.complete
    evaluation.rescaled = score.rescaled
    evaluation.dropped = list(score.dropped)
    evaluation.unreported = list(score.unreported)
    evaluation.missing_reasons = list(score.missing_reasons)
    missing = set(score.missing_reasons)
    evaluation.rows = [
        Row(
            seq=r.seq,
            level1=r.level1,
            level2=r.level2,
            level3=r.level3,
            target_text=r.target_text,
            unit=by_seq[r.seq].target.unit,
            actual=_shown_number(by_seq[r.seq]) if r.status is RowStatus.SCORED else None,
            actual_text=r.actual_text if r.status is RowStatus.SCORED and r.actual_text else r.status.value,
            points=r.points,
            score=r.score,
            status=r.status,
            lost=r.lost,
            missing_reason=r.seq in missing,
            reason=r.reason or "",
        )
        for r in score.rows
    ]
    return evaluation


def _actual(ind: IndicatorData, result: ResultView | None, rules: ScoringRules, problems: list[str]) -> IndicatorActual:
    """The scoring input of one indicator from its latest result (None: 未填报)."""
    applicable = ind.applicable and ind.level1 in rules.weights
    if ind.applicable and not applicable:
        problems.append(f"第{ind.seq}项指标“{ind.level3}”的一级指标“{ind.level1}”不在评分权重中，未计分")
    value = grade = score = reason = text = baseline = None
    if result is not None:
        cause = (
            f"{result.reason_category}：{result.reason}" if result.reason_category and result.reason else result.reason
        )
        reason = "；".join(part for part in (cause, result.measures) if part and part.strip()) or None
        grade = parse_grade(result.grade) if result.grade else None
        value, score, text = result.actual_value, result.score, result.actual_text
        baseline = result.baseline_value
        if ind.target.kind is Kind.QUANTITATIVE and ind.target.value is not None and value is not None:
            if grade is not None or score is not None:
                problems.append(f"第{ind.seq}项指标“{ind.level3}”已填实际完成值，按公式计分，填报的等级或得分未采用")
            grade = score = None
        elif grade is None and value is None:
            text = score = None  # neither a number nor a grade: nothing to score (未填报)
        elif grade is None and baseline is not None:  # a number against last year's (较上年提高)
            text = f"{result.actual_text}（上年{result.baseline_text}）"
    return IndicatorActual(
        seq=ind.seq,
        level1=ind.level1,
        level2=ind.level2,
        level3=ind.level3,
        target=ind.target,
        weight=ind.weight,
        applicable=applicable,
        actual_value=value,
        grade=grade,
        evaluator_score=score,
        baseline=baseline,
        reason=reason,
        actual_text=text,
        description=ind.description,
    )


def _shown_number(ind: IndicatorActual) -> Decimal | None:
    """The actual written as a number: only against a quantitative target (a number against last
    year's is shown as text with 上年值 beside it)."""
    return ind.actual_value if ind.target.kind is Kind.QUANTITATIVE else None


def _score(
    budget_fen: int, executed_fen: int, inputs: list[IndicatorActual], rules: ScoringRules, problems: list[str]
) -> ProjectScore | None:
    """Score; an uploaded evaluator score that cannot stand is listed and its grade's default share used."""

    def run(rows: list[IndicatorActual]) -> ProjectScore:
        return score_project(budget_fen=budget_fen, executed_fen=executed_fen, indicators=rows, rules=rules)

    try:
        return run(inputs)
    except ScoringError as exc:
        first = list(exc.problems)
    plain = [replace(i, evaluator_score=None) for i in inputs]
    try:
        run(plain)
    except ScoringError:
        problems.extend(first)  # not the evaluator scores' fault: nothing can be scored
        return None
    kept = []
    for k, i in enumerate(inputs):
        if i.evaluator_score is None:
            kept.append(plain[k])
            continue
        try:  # this one evaluator score alone: does it stand?
            run([*plain[:k], i, *plain[k + 1 :]])
            kept.append(i)
        except ScoringError as exc:
            problems.extend(f"{p}，已按等级默认比例计分" for p in exc.problems)
            kept.append(plain[k])
    return run(kept)


def _unscored_row(ind: IndicatorActual, result: ResultView | None) -> Row:
    status = RowStatus.NOT_APPLICABLE if not ind.applicable else RowStatus.UNREPORTED
    return Row(
        seq=ind.seq,
        level1=ind.level1,
        level2=ind.level2,
        level3=ind.level3,
        target_text=ind.target.text,
        unit=ind.target.unit,
        actual=None,
        actual_text=result.actual_text if result is not None else status.value,
        points=None,
        score=None,
        status=status,
        lost=False,
        missing_reason=False,
        reason=ind.reason or "",
    )
