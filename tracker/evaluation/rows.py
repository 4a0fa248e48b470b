"""One project's self-evaluation from what service.py gathered: each indicator's scoring input from its latest
result, the score (an evaluator score that cannot stand gives way to its grade's default share), and the rows."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tracker.actuals.read import ResultView
from tracker.core.grades import parse_grade
from tracker.core.project import Funds, IndicatorData, ProjectData
from tracker.core.scoring import ProjectScore, score_project
from tracker.core.scoring_indicators import IndicatorActual, RowStatus, ScoringError
from tracker.core.scoring_rules import ScoringRules
from tracker.core.values import Kind
from tracker.evaluation.schemas import Evaluation, Row


def evaluate_one(
    project_id: int,
    data: ProjectData,
    initial: Funds,
    budget: Funds,
    executed_fen: int,
    results: dict[int, ResultView],
    rules: ScoringRules,
) -> Evaluation:
    """One project's Evaluation from its money and latest results, every problem of its inputs listed."""
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
