"""目标表 corrections: the finance bureau corrects indicators (target, accumulation, 三级分值, 不适用) with a reason.

One section of the /targets page (templates/_targets_corrections.html) and its form post; the review
page posts its "按审核意见修正" forms here too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from tracker.auth.principal import Principal
from tracker.deps import SessionDep
from tracker.targets.corrections import Correction, correct_indicator, indicator_history
from tracker.targets.service import get_project, list_projects
from tracker.web.pages.common import AdminDep, CsrfDep, attempt, flash, pick_year, safe_next, years

router = APIRouter()
SECTION = "_targets_corrections.html"
ACCUMULATIONS = {"cumulative": "累计（人数、户数等，最新值即年累计）", "level": "水平（比率、满意度、单位成本等）"}


def corrections_context(
    session: Session, principal: Principal, *, year: int | None, unit: str | None, project: int | None
) -> dict[str, Any]:
    """What the corrections section shows: the year's projects, the chosen one's indicators and history."""
    available = years(session=session, scope=principal.scope)
    chosen = pick_year(year, available)
    projects, _ = list_projects(session=session, scope=principal.scope, year=chosen)
    current = get_project(session=session, scope=principal.scope, project_id=project) if project else None
    history = indicator_history(session=session, scope=principal.scope, project_id=project) if project else []
    return {
        "year": chosen,
        "years": available or [chosen],
        "unit": unit or "",
        "units": sorted({(p.dept_code, p.dept_name) for p in projects}),
        "projects": [p for p in projects if not unit or p.dept_code == unit],
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
