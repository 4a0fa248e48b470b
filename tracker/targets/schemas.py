"""The project object of `tracker targets show` and `GET /api/v1/projects` (INTERFACE.md)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from tracker.core.money import wan_str
from tracker.models import Indicator, PlanCheckpoint, Project
from tracker.models.targets import IndicatorIdentity

if TYPE_CHECKING:
    from tracker.targets.imports import TargetImport


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: integral values without a fraction."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


class PlanPointOut(BaseModel):
    month: int
    cumulative_pct: float


class IndicatorOut(IndicatorIdentity):
    description: str
    target_text: str
    kind: str
    comparator: str | None
    value: int | float | None
    unit: str | None
    norm_value: int | float | None
    norm_unit: str | None
    direction: str
    accumulation: str
    weight: float | None
    applicable: bool
    basis: str
    value_high: int | float | None = None  # a range's high end (value is its low end)
    approximate: bool = False
    target_corrected: bool = False


class ProjectOut(BaseModel):
    id: int
    year: int
    region_code: str
    region_name: str
    dept_code: str
    dept_name: str
    code: str
    name: str
    budget_wan: str  # 年初 (published)
    effective_budget_wan: str  # in force today (DOMAIN.md §3)
    fiscal_wan: str
    other_wan: str
    purpose: str
    objectives: list[str]
    plan: list[PlanPointOut]
    incomplete: bool
    indicators: list[IndicatorOut]


def indicator_out(ind: Indicator | Any) -> IndicatorOut:
    """An indicator (the ORM object or its table row) as the API shape."""
    return IndicatorOut(
        seq=ind.seq,
        level1=ind.level1,
        level2=ind.level2,
        level3=ind.level3,
        description=ind.description,
        target_text=ind.target_text,
        kind=ind.kind,
        comparator=ind.comparator,
        value=json_number(ind.value),
        unit=ind.unit,
        norm_value=json_number(ind.norm_value),
        norm_unit=ind.norm_unit,
        direction=ind.direction,
        accumulation=ind.accumulation,
        weight=float(ind.weight) if ind.weight is not None else None,
        applicable=ind.applicable,
        basis=ind.basis,
        value_high=json_number(ind.value_high),
        approximate=ind.approximate,
        target_corrected=ind.target_corrected,
    )


def project_out(
    project: Project,
    *,
    dept_name: str,
    region_name: str = "",
    effective_fen: int | None = None,
    objectives: list[str],
    plan: Sequence[PlanCheckpoint | Any],
    indicators: Sequence[Indicator | Any],
) -> ProjectOut:
    head = _project_head(project, dept_name=dept_name, region_name=region_name, effective_fen=effective_fen)
    return ProjectOut(
        **head,
        objectives=objectives,
        plan=[PlanPointOut(month=c.month, cumulative_pct=float(c.cumulative_pct)) for c in plan],
        incomplete=project.incomplete,
        indicators=[indicator_out(i) for i in indicators],
    )


def _project_head(project: Project, *, dept_name: str, region_name: str, effective_fen: int | None) -> dict[str, Any]:
    """The project's own fields of `ProjectOut`, in its key order: shared by the model and the plain JSON."""
    assert project.id is not None
    return {
        "id": project.id,
        "year": project.year,
        "region_code": project.region_code,
        "region_name": region_name,
        "dept_code": project.dept_code,
        "dept_name": dept_name,
        "code": project.code,
        "name": project.name,
        "budget_wan": wan_str(project.budget_fen),
        "effective_budget_wan": wan_str(project.budget_fen if effective_fen is None else effective_fen),
        "fiscal_wan": wan_str(project.fiscal_fen),
        "other_wan": wan_str(project.other_fen),
        "purpose": project.purpose,
    }


INDICATOR_KEYS = tuple(IndicatorOut.model_fields)  # the JSON's key order (the list API builds it from rows)


class TargetImportOut(BaseModel):
    """The summary `tracker targets import` prints, as JSON; `dry_run` true when nothing was written."""

    dry_run: bool
    filename: str
    year: int
    layout: str
    projects: int
    indicators: int
    budget_wan: str
    created: int
    updated: int | None
    unchanged: int | None
    existing: int
    import_id: int | None
    incomplete: list[str]
    warnings: list[str]
    message: str


def target_import_out(result: TargetImport) -> TargetImportOut:
    return TargetImportOut(
        dry_run=result.dry_run,
        filename=result.filename,
        year=result.year,
        layout=result.layout,
        projects=result.projects,
        indicators=result.indicators,
        budget_wan=wan_str(result.budget_fen),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        existing=result.existing,
        import_id=result.import_id,
        incomplete=result.incomplete,
        warnings=result.warnings,
        message=result.message,
    )
