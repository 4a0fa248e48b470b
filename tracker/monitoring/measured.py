"""What measuring a project gives: its spending variance and its indicators' lights (monitoring.service).

Plain values, made by the statement that measures spending in SQL (spend_sql) and by the service that adds
the indicators (service).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.core.lights import Light
from tracker.core.progress import IndicatorProgress
from tracker.core.project import IndicatorRef
from tracker.core.variance import VarianceResult


@dataclass(frozen=True, slots=True)
class IndicatorLight(IndicatorRef):
    """An indicator's progress towards its target on a day, and its light."""

    target_text: str
    accumulation: str
    progress: IndicatorProgress
    actual_text: str | None
    problem: str | None  # a stored report the rules cannot read


@dataclass(frozen=True, slots=True)
class ProjectVariance:
    project_id: int
    year: int
    region_code: str
    region_name: str
    initial_fen: int  # 年初; the effective budget on the day is spend.budget_fen
    dept_code: str
    dept_name: str
    code: str
    name: str
    spend: VarianceResult
    indicators: list[IndicatorLight]
    indicator_light: Light | None
    overall_light: Light | None
    key_monitoring: bool = False  # on the key list (重点监控) on the measuring date
