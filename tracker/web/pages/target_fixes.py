"""目标表 corrections: the finance bureau corrects indicators (target, accumulation, 三级分值, 不适用) with a reason.

One section of the /targets page (templates/_targets_corrections.html) and its form post; the review
page posts its "按审核意见修正" forms here too.
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import and_
from sqlmodel import Session, col, select

from tracker.auth.principal import Principal
from tracker.deps import SessionDep
from tracker.models import Dept, Project
from tracker.targets.corrections import Correction, correct_indicator, indicator_history
from tracker.targets.service import get_project
from tracker.web.pages.common import AdminDep, CsrfDep, attempt, flash, pick_year, safe_next, years

router = APIRouter()
SECTION = "_targets_corrections.html"
PICK_MAX = 500  # options of one select; a province chooses a unit first (the page says so past this)


class Pick(NamedTuple):
    """A project as the picker lists it."""

    id: int
    dept_code: str
    name: str


ACCUMULATIONS = {"cumulative": "累计（人数、户数等，最新值即年累计）", "level": "水平（比率、满意度、单位成本等）"}


def corrections_context(
    session: Session, principal: Principal, *, year: int | None, unit: str | None, project: int | None
) -> dict[str, Any]:
    """What the corrections section shows: the year's units and projects to choose from (names only, at most
    PICK_MAX of each, read in SQL), the chosen project's indicators and its history."""
    available = years(session=session, scope=principal.scope)
    chosen = pick_year(year, available)
    scope = principal.scope
    same_unit = and_(col(Dept.region_code) == col(Project.region_code), col(Dept.code) == col(Project.dept_code))
    unit_rows = select(Dept.code, Dept.name).join(Project, same_unit).where(Project.year == chosen).distinct()
    units = session.exec(scope.filter(unit_rows, Project.region_code, Project.dept_code)
                         .order_by(col(Dept.code)).limit(PICK_MAX)).all()  # fmt: skip
    picks = select(Project.id, Project.dept_code, Project.name).where(Project.year == chosen)
    if unit:
        picks = picks.where(Project.dept_code == unit)
    order = (col(Project.region_code), col(Project.heading_no), col(Project.id))
    projects = session.exec(scope.filter(picks, Project.region_code, Project.dept_code)
                            .order_by(*order).limit(PICK_MAX)).all()  # fmt: skip
    current = get_project(session=session, scope=principal.scope, project_id=project) if project else None
    history = indicator_history(session=session, scope=principal.scope, project_id=project) if project else []
    return {
        "year": chosen,
        "years": available or [chosen],
        "unit": unit or "",
        "units": [(code, name) for code, name in units],
        "projects": [Pick(id=i or 0, dept_code=d, name=n) for i, d, n in projects],
        "many_projects": len(projects) == PICK_MAX,
        "current": current,
        "history": history,
        "accumulations": ACCUMULATIONS,
    }


@router.post("/targets/indicators")
def correct(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    _csrf: CsrfDep,
    project_id: Annotated[int, Form()],
    seq: Annotated[int, Form()],
    reason: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    accumulation: Annotated[str, Form()] = "",
    weight: Annotated[str, Form()] = "",
    applicable: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """One correction from the 目标表 page or a finding of the review page; blank fields stay as they are."""
    fix = Correction(
        reason=reason,
        target=target.strip() or None,
        accumulation=accumulation or None,
        weight=weight.strip() or None,
        applicable={"yes": True, "no": False}.get(applicable),
    )
    done = attempt(
        request,
        session,
        lambda: correct_indicator(session=session, scope=principal.scope, actor=principal.username,
                                  project_id=project_id, seq=seq, fix=fix),
    )  # fmt: skip
    if done is not None:
        flash(request, "ok", f"已修正第{seq}项指标“{done.level3}”（{done.target_text}），原值已记入指标历史")
    return RedirectResponse(safe_next(back or f"/targets?project={project_id}"), 303)
