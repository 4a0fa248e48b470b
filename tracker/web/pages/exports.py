"""导出 and 目标审核: the year-end self-evaluation with its downloads, and the target review report."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.evaluation.review import review_projects_page
from tracker.evaluation.service import evaluate, page_of_projects
from tracker.models import Dept, Project, Region
from tracker.monitoring.midyear import monitoring_settings
from tracker.scope import Scope
from tracker.web.pages.common import pick_year, take_flashes, years
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()
SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}
REVIEW_PAGE = 20  # tables per page of 目标审核: each is read and reviewed when the page is shown
UNITS_MAX = 500  # options of the unit filter; past it, choose a region first


def _units(session: Session, scope: Scope, year: int, region: str | None) -> list[tuple[str, str]]:
    """The units (code, name) with projects in the year that the scope may see, from SQL, at most UNITS_MAX."""
    has_projects = (
        select(Project.id)
        .where(Project.year == year, Project.region_code == Dept.region_code, Project.dept_code == Dept.code)
        .exists()
    )
    query = scope.filter(select(Dept.code, Dept.name).where(has_projects), Dept.region_code, Dept.code)
    if region:
        query = query.where(Dept.region_code == region)
    rows = session.exec(query.distinct().order_by(col(Dept.code), col(Dept.name)).limit(UNITS_MAX))
    return [(code, name) for code, name in rows]


def _regions(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """The regions the scope covers (code, name): the province's ~170 counties at most."""
    query = select(Region.code, Region.name).order_by(col(Region.code))
    return [(c, n) for c, n in session.exec(query) if scope.allows_region(c)]


@router.get("/exports", name="exports")
def exports_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    year: int | None = None,
    unit: str | None = None,
    region: str | None = None,
    through_month: Annotated[int | None, Query(ge=1, le=12)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """One page of projects, chosen and counted in SQL and scored alone (not the whole year at once)."""
    scope = principal.scope
    available = years(session=session, scope=scope)
    chosen = pick_year(year, available)
    params = {"year": chosen, "region": region or "", "unit": unit or "", "through_month": through_month or ""}
    pager = Pager("/exports", page, params=params)
    ids, total = page_of_projects(
        session=session, scope=scope, year=chosen, dept_code=unit or None, region_code=region or None,
        limit=pager.size, offset=pager.offset,
    )  # fmt: skip
    evaluations = evaluate(session=session, scope=scope, year=chosen, project_ids=ids, rules=rules)
    grades = Counter(e.grade or "未完成" for e in evaluations)
    return render(
        request,
        "exports.html",
        principal=principal,
        title="导出",
        year=chosen,
        years=available or [chosen],
        unit=unit or "",
        units=_units(session, scope, chosen, region or None),
        region=region or "",
        regions=_regions(session, scope),
        through_month=through_month or monitoring_settings(rules.for_place(region or None, chosen))[0],
        evaluations=evaluations,
        grades=grades,
        pager=pager.with_total(total),
        flashes=take_flashes(request),
    )


@router.get("/review", name="review")
def review_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    year: int | None = None,
    unit: str | None = None,
    region: str | None = None,
    severity: Literal["error", "warning", "info", ""] = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """Findings of one page of tables (REVIEW_PAGE projects, chosen and counted in SQL), filtered by severity."""
    scope = principal.scope
    available = years(session=session, scope=scope)
    chosen = pick_year(year, available)
    params = {"year": chosen, "region": region or "", "unit": unit or "", "severity": severity}
    pager = Pager("/review", page, per_page=REVIEW_PAGE, params=params)
    reviewed, total = review_projects_page(
        session=session, scope=scope, year=chosen, dept_code=unit or None, region_code=region or None,
        limit=pager.size, offset=pager.offset, rules=rules,
    )  # fmt: skip
    counts = Counter(f.severity for _, found in reviewed for f in found)
    by_project = [
        (who.id, shown)
        for who, found in reviewed
        if (shown := [f for f in found if not severity or f.severity == severity])
    ]
    return render(
        request,
        "review.html",
        principal=principal,
        title="目标审核",
        year=chosen,
        years=available or [chosen],
        unit=unit or "",
        units=_units(session, scope, chosen, region or None),
        region=region or "",
        regions=_regions(session, scope),
        severity=severity,
        severities=SEVERITIES,
        counts=counts,
        total=sum(counts.values()),
        by_project=by_project,
        pager=pager.with_total(total),
        link=lambda **changes: Pager("/review", 1, params={**params, **changes}).link(1),
    )
