"""目标表: the finance bureau's corrections of indicators (target, accumulation, 三级分值, 不适用), with their history.

The page is built from sections (templates/targets.html includes one file per section) so that the
import of target files can stand beside the corrections on the same page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from tracker.db import SessionDep
from tracker.deps import PrincipalDep
from tracker.scope import Scope
from tracker.targets.corrections import Correction, correct_indicator, indicator_history
from tracker.targets.service import get_project, list_projects
from tracker.web.pages.common import AdminDep, CsrfDep, attempt, flash, pick_year, safe_next, take_flashes, years
from tracker.web.templating import render

router = APIRouter()
ACCUMULATIONS = {"cumulative": "累计（人数、户数等，最新值即年累计）", "level": "水平（比率、满意度、单位成本等）"}


def _units(session: Session, scope: Scope, year: int) -> list[tuple[str, str]]:
    projects, _ = list_projects(session=session, scope=scope, year=year)
    return sorted({(p.dept_code, p.dept_name) for p in projects})


@router.get("/targets", name="targets")
def targets_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    year: int | None = None,
    unit: str | None = None,
    project: int | None = None,
) -> HTMLResponse:
    available = years(session=session, scope=principal.scope)
    chosen = pick_year(year, available)
    projects, _ = list_projects(session=session, scope=principal.scope, year=chosen, dept_code=unit or None)
    current = get_project(session=session, scope=principal.scope, project_id=project) if project else None
    history = indicator_history(session=session, scope=principal.scope, project_id=project) if project else []
    return render(
        request,
        "targets.html",
        principal=principal,
        title="目标表",
        year=chosen,
        years=available or [chosen],
        unit=unit or "",
        units=_units(session, principal.scope, chosen),
        projects=projects,
        current=current,
        history=history,
        accumulations=ACCUMULATIONS,
        flashes=take_flashes(request),
    )


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
