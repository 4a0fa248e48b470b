"""What `tracker variance show` prints and the variance, snapshot and job-run routes answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from tracker.core.money import wan_str
from tracker.models import JobRun, VarianceSnapshot
from tracker.models.targets import IndicatorIdentity
from tracker.monitoring.measured import IndicatorLight, ProjectVariance


def num(value: Decimal | None) -> float | None:
    """A shown percentage or ratio as a JSON number (it already carries its 2 or 4 decimals)."""
    return float(value) if value is not None else None


def wan(fen: int | None) -> str | None:
    return wan_str(fen) if fen is not None else None


class IndicatorProgressOut(IndicatorIdentity):
    target_text: str
    accumulation: str
    actual_text: str | None
    actual: float | None
    grade: str | None
    reported_on: date | None
    ratio: float | None
    light: str | None
    problem: str | None
    due_share: float | None = None  # cumulative: share of the target due by reported_on (DOMAIN.md §4)
    met: bool = False
    forecast: float | None = None  # 全年预计完成值
    forecast_estimated: bool = False  # （测算）: not the unit's own


class VarianceOut(BaseModel):
    """INTERFACE.md fields first (region_code … light), then everything else the engine knows."""

    region_code: str
    dept_code: str
    code: str
    initial_wan: str  # 年初 (published)
    budget_wan: str  # the effective budget on `as_of` (DOMAIN.md §3)
    planned_wan: str
    actual_wan: str
    planned_pct: float
    actual_pct: float | None
    time_progress_pct: float
    ratio: float | None
    light: str | None
    id: int
    year: int
    region_name: str
    dept_name: str
    name: str
    as_of: date
    lagging: bool
    checkpoint_month: int | None
    planned_at_checkpoint_wan: str | None
    checkpoint_ratio: float | None  # paid by the checkpoint's date / plan at it: what its alert is decided on
    checkpoint_light: str | None
    next_checkpoint_month: int | None
    planned_at_next_wan: str | None
    days_to_next: int | None
    forecast_at_next_wan: str | None
    forecast_year_end_wan: str | None
    forecast_estimated: bool  # （测算）: from the plan's shape, not the unit's own
    expected_balance_wan: str | None  # 结转结余 = budget − forecast
    early_warning: bool
    indicator_light: str | None
    overall_light: str | None
    key_monitoring: bool  # on the key list (重点监控) on as_of
    indicators: list[IndicatorProgressOut] | None = None


def indicator_progress_out(i: IndicatorLight) -> IndicatorProgressOut:
    p = i.progress
    return IndicatorProgressOut(
        seq=i.seq,
        level1=i.level1,
        level2=i.level2,
        level3=i.level3,
        target_text=i.target_text,
        accumulation=i.accumulation,
        actual_text=i.actual_text,
        actual=float(p.actual) if p.actual is not None else None,
        grade=p.grade.value if p.grade else None,
        reported_on=p.reported_on,
        ratio=num(p.ratio),
        light=p.light.value if p.light else None,
        problem=i.problem,
        due_share=num(p.due_share),
        met=p.met,
        forecast=float(p.forecast) if p.forecast is not None else None,
        forecast_estimated=p.forecast_estimated,
    )


def variance_out(v: ProjectVariance, *, with_indicators: bool = False) -> VarianceOut:
    s = v.spend
    return VarianceOut(
        region_code=v.region_code,
        dept_code=v.dept_code,
        code=v.code,
        initial_wan=wan_str(v.initial_fen),
        budget_wan=wan_str(s.budget_fen),
        planned_wan=wan_str(s.planned_fen),
        actual_wan=wan_str(s.actual_fen),
        planned_pct=float(s.planned_pct),
        actual_pct=num(s.actual_pct),
        time_progress_pct=float(s.time_progress_pct),
        ratio=num(s.ratio),
        light=s.light.value if s.light else None,
        id=v.project_id,
        year=v.year,
        region_name=v.region_name,
        dept_name=v.dept_name,
        name=v.name,
        as_of=s.as_of,
        lagging=s.lagging,
        checkpoint_month=s.last_checkpoint.month if s.last_checkpoint else None,
        planned_at_checkpoint_wan=wan(s.planned_at_checkpoint_fen),
        checkpoint_ratio=num(s.checkpoint_ratio),
        checkpoint_light=s.checkpoint_light.value if s.checkpoint_light else None,
        next_checkpoint_month=s.next_checkpoint.month if s.next_checkpoint else None,
        planned_at_next_wan=wan(s.planned_at_next_fen),
        days_to_next=s.days_to_next,
        forecast_at_next_wan=wan(s.forecast_at_next_fen),
        forecast_year_end_wan=wan(s.forecast_year_end_fen),
        forecast_estimated=s.forecast_estimated,
        expected_balance_wan=wan(s.expected_balance_fen),
        early_warning=s.early_warning,
        indicator_light=v.indicator_light.value if v.indicator_light else None,
        overall_light=v.overall_light.value if v.overall_light else None,
        key_monitoring=v.key_monitoring,
        indicators=[indicator_progress_out(i) for i in v.indicators] if with_indicators else None,
    )


class VariancePage(BaseModel):
    items: list[VarianceOut]
    total: int


class SnapshotOut(BaseModel):
    as_of: date
    budget_wan: str
    planned_wan: str
    actual_wan: str
    planned_pct: float
    actual_pct: float | None
    time_progress_pct: float
    ratio: float | None
    checkpoint_month: int | None
    checkpoint_ratio: float | None
    light: str | None
    indicator_light: str | None
    overall_light: str | None
    indicators_reported: int
    indicators_lagging: int
    forecast_year_end_wan: str | None


def snapshot_out(s: VarianceSnapshot) -> SnapshotOut:
    return SnapshotOut(
        as_of=s.as_of,
        budget_wan=wan_str(s.budget_fen),
        planned_wan=wan_str(s.planned_fen),
        actual_wan=wan_str(s.actual_fen),
        planned_pct=float(s.planned_pct),
        actual_pct=num(s.actual_pct),
        time_progress_pct=float(s.time_progress_pct),
        ratio=num(s.ratio),
        checkpoint_month=s.checkpoint_month,
        checkpoint_ratio=num(s.checkpoint_ratio),
        light=s.light,
        indicator_light=s.indicator_light,
        overall_light=s.overall_light,
        indicators_reported=s.indicators_reported,
        indicators_lagging=s.indicators_lagging,
        forecast_year_end_wan=wan(s.forecast_year_end_fen),
    )


class SnapshotPage(BaseModel):
    items: list[SnapshotOut]
    total: int


class JobRunOut(BaseModel):
    id: int
    name: str
    trigger: str
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    counts: dict[str, Any]
    problems: list[str]
    error: str
    host: str
    pid: int


def job_run_out(r: JobRun) -> JobRunOut:
    assert r.id is not None
    return JobRunOut(**r.model_dump(exclude={"id"}), id=r.id)


class JobRunPage(BaseModel):
    items: list[JobRunOut]
    total: int
