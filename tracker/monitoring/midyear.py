"""The mid-year 绩效运行监控表 (DOMAIN.md §4): what is spent and reached by the end of month M.

Rules of the table, stated once:
- 1–M月执行数 = live payments up to the last day of M; 全年预计执行数 = the plan's shape applied to the
  lag so far, capped at the budget (core.variance, DOMAIN.md §3).
- 1–M月完成值 = the latest current result dated up to the end of M.
- 全年预计完成值 (DOMAIN.md §4, core.progress.indicator_progress): the unit's own where given (a
  qualitative one as its words or grade; a report that left it blank keeps the unit's earlier one); else a
  level indicator keeps its latest value, a cumulative one its actual once met, and an unmet one is
  projected at the plan's shape (actual / share of the plan due), marked （测算）.
- 完成目标可能性 is what the unit reported; when it reported none, it is estimated from the forecast
  (meets the goal → 确定能; at ≥ the yellow threshold of closeness, or any lower-is-better miss →
  有可能; otherwise 完全不可能) and marked （测算）.
- 有可能 and 完全不可能 need 偏差原因 and 改进措施; rows lacking either are flagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from sqlmodel import Session, col, select

from tracker.actuals.read import ResultView, cumulative_paid, latest_with_forecast, project_reports
from tracker.bulk import matching
from tracker.core.goals import Aim, Goal, TargetRules
from tracker.core.grades import Grade, parse_grade
from tracker.core.lights import Light, LightRules
from tracker.core.likelihood import IMPOSSIBLE, LIKELIHOODS, LIKELY, NEEDS_REASON, POSSIBLE
from tracker.core.plan import checkpoint_date, share_due
from tracker.core.progress import indicator_progress
from tracker.core.project import Funds, IndicatorData, IndicatorRef, ProjectData
from tracker.core.values import Kind
from tracker.core.variance import compute_variance
from tracker.errors import InvalidInput
from tracker.models import CorrectionNotice
from tracker.monitoring.lights import indicator_goal, indicator_rules, spend_rules
from tracker.rules import Rules, reason_categories, target_rules
from tracker.scope import Scope
from tracker.targets.loading import load_core

_GRADE_LIKELIHOOD = {Grade.ACHIEVED: LIKELY, Grade.PARTIAL: POSSIBLE, Grade.FAILED: IMPOSSIBLE}


@dataclass(frozen=True, slots=True)
class MonitorRow(IndicatorRef):
    """One indicator row of the 绩效运行监控表 through month M."""

    target_text: str
    unit: str | None
    actual: Decimal | None  # numeric, in the target's unit
    actual_text: str  # as reported, a grade, or 未填报
    forecast: Decimal | None
    forecast_text: str
    forecast_estimated: bool
    likelihood: str | None
    estimated: bool  # likelihood estimated here, not reported
    reason_category: str | None
    reason: str
    measures: str
    missing_reason: bool
    reported: bool = True


@dataclass(slots=True)
class MonitorProject:
    project_id: int
    year: int
    through_month: int
    heading_no: int | None
    dept_code: str
    dept_name: str
    code: str
    name: str
    objectives: list[str]
    budget: Funds  # the effective budget at the cut-off, per funding source
    executed_fen: int
    planned_fen: int
    planned_pct: Decimal
    time_progress_pct: Decimal
    execution_rate: Decimal | None  # fraction, 0.4512 = 45.12%
    forecast_fen: int | None
    forecast_estimated: bool  # （测算）: from the plan's shape, not the unit's own 全年预计执行数
    light: Light | None
    rows: list[MonitorRow]
    region_code: str = ""
    region_name: str = ""
    correction: tuple[str, str, str] = ("否", "", "")  # 是否需要整改, 整改要求, 整改结果 (DOMAIN.md §8)
    narrative: str = ""  # 实际完成情况 in the unit's own words (upload sheet 项目), "" when it gave none

    @property
    def missing_reasons(self) -> list[int]:
        return [r.seq for r in self.rows if r.missing_reason]


def monitoring_settings(rules: Rules) -> tuple[int, tuple[str, ...], LightRules, Decimal]:
    """Cut-off month, reason categories, spending lights and the indicator yellow threshold of `rules`.

    Pass `rules.for_place(region, year)` for one project: the monitoring feature's own readers are used.
    """
    month, lights, yellow = rules.monitoring.through_month, spend_rules(rules), indicator_rules(rules).yellow
    return month, reason_categories(rules), lights, yellow


def monitoring_projects(
    *,
    session: Session,
    scope: Scope,
    year: int,
    through_month: int,
    dept_code: str | None = None,
    project_id: int | None = None,
    region_code: str | None = None,
    rules: Rules,
) -> list[MonitorProject]:
    """The monitoring table of every project of the year the scope may see, through month M."""
    if not 1 <= through_month <= 12:
        raise InvalidInput(f"截至月份应在1到12之间，实为{through_month}")
    loaded = load_core(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code)
    if project_id is not None:
        loaded = [(p, d) for p, d in loaded if p.id == project_id]
    ids = [p.id for p, _ in loaded if p.id is not None]
    cut_off = checkpoint_date(year, through_month)
    paid = cumulative_paid(session=session, project_ids=ids, as_of=cut_off)
    results: dict[int, dict[int, ResultView]] = defaultdict(dict)
    # a report that left 全年预计完成值 blank keeps the unit's most recent earlier forecast
    for r in latest_with_forecast(session=session, project_ids=ids, as_of=cut_off).values():
        results[r.project_id][r.seq] = r
    corrections = _corrections(session, ids, year)
    reports = project_reports(session=session, project_ids=ids, as_of=cut_off)  # the unit's own forecast and words
    out = []
    for project, data in loaded:
        assert project.id is not None
        place = rules.for_place(project.region_code, year)
        _, _, lights, yellow = monitoring_settings(place)
        targets = target_rules(place)
        report = reports.get(project.id)
        v = compute_variance(
            budget_fen=data.budget_fen, plan=data.plan, actual_fen=paid.get(project.id, 0), as_of=cut_off, year=year,
            rules=lights, budget_on=data.budget_on, unit_forecast_fen=report.forecast_fen if report else None,
        )  # fmt: skip
        out.append(
            MonitorProject(
                project_id=project.id,
                year=year,
                through_month=through_month,
                heading_no=data.heading_no,
                region_code=data.region_code,
                region_name=data.region_name,
                dept_code=data.dept_code,
                dept_name=data.dept_name,
                code=data.code,
                name=data.name,
                objectives=list(data.objectives),
                budget=Funds.of(data.versions().by_source(cut_off)),  # the effective budget at the cut-off
                executed_fen=v.actual_fen,
                planned_fen=v.planned_fen,
                planned_pct=v.planned_pct,
                time_progress_pct=v.time_progress_pct,
                execution_rate=(v.actual_pct / 100) if v.actual_pct is not None else None,
                forecast_fen=v.forecast_year_end_fen if v.forecast_year_end_fen is not None else v.actual_fen,
                forecast_estimated=v.forecast_estimated,
                light=v.light,
                rows=[_row(i, results[project.id].get(i.seq), data, cut_off, yellow, targets) for i in data.indicators],
                correction=corrections.get(project.id, ("否", "", "")),
                narrative=report.narrative if report else "",
            )
        )
    return out


def _corrections(session: Session, ids: list[int], year: int) -> dict[int, tuple[str, str, str]]:
    """Per project, its correction notices of the year: 是/否, the requirements, the results (with state)."""
    if not ids:
        return {}
    query = select(CorrectionNotice).where(CorrectionNotice.year == year).order_by(col(CorrectionNotice.id))
    found: dict[int, list[CorrectionNotice]] = defaultdict(list)
    for among in matching(session, col(CorrectionNotice.project_id), ids):  # a project's notices: one part
        for n in session.exec(query.where(among)):
            found[n.project_id].append(n)
    out = {}
    for pid, notices in found.items():
        asks = "；".join(f"第{n.id}号：{n.problem}" + (f"，{n.requirement}" if n.requirement else "") for n in notices)
        results = "；".join(
            f"第{n.id}号（{'已通过' if n.state == 'accepted' else '整改中'}）：{n.result or n.measures or '尚未报送'}"
            + (f"，{n.outcome}" if n.outcome else "")
            for n in notices
        )
        out[pid] = ("是", asks, results)
    return out


def _row(
    ind: IndicatorData, result: ResultView | None, data: ProjectData, cut_off: date, yellow: Decimal,
    targets: TargetRules,
) -> MonitorRow:  # fmt: skip
    target = ind.target
    if result is None:
        return MonitorRow(ind.seq, ind.level1, ind.level2, ind.level3, target.text, target.unit, None, "未填报",
                          None, "", False, None, False, None, "", "", False, reported=False)  # fmt: skip
    grade = parse_grade(result.grade) if result.grade else None
    actual = result.actual_value if target.kind is Kind.QUANTITATIVE else None
    goal = indicator_goal(ind, targets)
    forecast, forecast_estimated = result.forecast_value, False
    if actual is not None and goal is not None:
        progress = indicator_progress(
            target=target, reported=[(result.as_of, actual)], accumulation=ind.accumulation, as_of=cut_off,
            goal=goal, share_due=partial(share_due, data.plan, year=data.year), unit_forecast=result.forecast_value,
        )  # fmt: skip
        forecast, forecast_estimated = progress.forecast, progress.forecast_estimated
    likelihood = result.likelihood if result.likelihood in LIKELIHOODS else None
    estimated = likelihood is None
    if likelihood is None:
        likelihood = _estimate(goal, forecast, grade, yellow)
    needs = likelihood in NEEDS_REASON
    missing = needs and not (result.reason.strip() and result.measures.strip())
    return MonitorRow(
        seq=ind.seq,
        level1=ind.level1,
        level2=ind.level2,
        level3=ind.level3,
        target_text=target.text,
        unit=target.unit,
        actual=actual,
        actual_text=grade.value if grade is not None and actual is None else result.actual_text,
        forecast=forecast,
        forecast_text=_forecast_text(result, grade) if forecast is None else "",
        forecast_estimated=forecast_estimated,
        likelihood=likelihood,
        estimated=estimated and likelihood is not None,
        reason_category=result.reason_category,
        reason=result.reason,
        measures=result.measures,
        missing_reason=missing,
    )


def _forecast_text(result: ResultView, grade: Grade | None) -> str:
    """A qualitative 全年预计完成值: the unit's own words or grade where given, else the actual's grade."""
    if text := result.forecast_text.strip():
        return text
    return grade.value if grade is not None else ""


def _estimate(goal: Goal | None, forecast: Decimal | None, grade: Grade | None, yellow: Decimal) -> str | None:
    if grade is not None:
        return _GRADE_LIKELIHOOD[grade]
    if forecast is None or goal is None:
        return None
    if goal.met(forecast):
        return LIKELY
    if goal.aim is Aim.AT_MOST:
        return POSSIBLE
    return POSSIBLE if goal.closeness(forecast) >= yellow else IMPOSSIBLE
