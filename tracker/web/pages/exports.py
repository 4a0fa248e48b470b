"""导出 and 目标审核: the year-end self-evaluation with its downloads, and the target review report."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.evaluation.review import review_targets
from tracker.evaluation.service import evaluate
from tracker.monitoring.midyear import monitoring_settings
from tracker.scope import Scope
from tracker.targets.service import load_core
from tracker.web.pages.common import pick_year, take_flashes, years
from tracker.web.templating import render

router = APIRouter()
SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}


def _units(session: Session, scope: Scope, year: int) -> list[tuple[str, str]]:
    """The units (code, name) with projects in the year that the scope may see."""
    return sorted({(d.dept_code, d.dept_name) for _, d in load_core(session=session, scope=scope, year=year)})


@router.get("/exports", name="exports")
def exports_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    year: int | None = None,
    unit: str | None = None,
    through_month: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> HTMLResponse:
    chosen = pick_year(year, years(session=session, scope=principal.scope))
    evaluations = evaluate(session=session, scope=principal.scope, year=chosen, dept_code=unit or None, rules=rules)
    grades = Counter(e.grade or "未完成" for e in evaluations)
    return render(
        request,
        "exports.html",
        principal=principal,
        title="导出",
        year=chosen,
        years=years(session=session, scope=principal.scope) or [chosen],
        unit=unit or "",
        units=_units(session, principal.scope, chosen),
        through_month=through_month or monitoring_settings(rules.for_place(None, chosen))[0],
        evaluations=evaluations,
        grades=grades,
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
    severity: Literal["error", "warning", "info", ""] = "",
) -> HTMLResponse:
    chosen = pick_year(year, years(session=session, scope=principal.scope))
    everything = review_targets(
        session=session, scope=principal.scope, year=chosen, dept_code=unit or None, rules=rules
    )
    counts = Counter(f.severity for f in everything)
    shown = [f for f in everything if not severity or f.severity == severity]
    by_project = [(project, list(found)) for project, found in groupby(shown, key=lambda f: f.project.id)]
    return render(
        request,
        "review.html",
        principal=principal,
        title="目标审核",
        year=chosen,
        years=years(session=session, scope=principal.scope) or [chosen],
        unit=unit or "",
        units=_units(session, principal.scope, chosen),
        severity=severity,
        severities=SEVERITIES,
        counts=counts,
        total=len(everything),
        by_project=by_project,
    )
