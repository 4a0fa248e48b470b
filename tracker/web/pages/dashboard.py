"""总览: every project the user may see, with spend against plan and indicator lights."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tracker.clock import today
from tracker.corrections.service import counts
from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.monitoring.key_list import key_lines
from tracker.web.overview import PAGE_SIZE, SORTS, overview
from tracker.web.pages.common import default_as_of, pick_year, take_flashes, years
from tracker.web.templating import render
from tracker.web.todo import todos

router = APIRouter()
KEY_LINES = 200  # the key list's first lines on the dashboard (the whole list: GET /api/v1/key-list)


@router.get("/", name="dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    year: int | None = None,
    as_of: date | None = None,
    unit: str | None = None,
    light: str | None = None,
    q: str | None = None,
    sort: str = "no",
    desc: bool = False,
    region: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    available = years(session=session, scope=principal.scope)
    chosen = pick_year(year, available)
    day = default_as_of(chosen, as_of)
    view = overview(
        session=session,
        scope=principal.scope,
        year=chosen,
        as_of=day,
        rules=rules,
        dept_code=unit or None,
        light=light or None,
        query=q,
        sort=sort if sort in SORTS else "no",
        descending=desc,
        region_code=region or None,
        offset=(page - 1) * PAGE_SIZE,
    )
    base = {"year": chosen, "as_of": day.isoformat(), "unit": unit or "", "q": q or "", "region": region or ""}

    def link(**changes: object) -> str:
        params = {**base, "light": light or "", "sort": sort, "desc": "1" if desc else "", "page": "", **changes}
        return "/?" + urlencode({k: v for k, v in params.items() if v not in ("", None, False)})

    return render(
        request,
        "dashboard.html",
        principal=principal,
        title="总览",
        view=view,
        years=available or [chosen],
        unit=unit or "",
        region=region or "",
        page=page,
        pages=max(1, -(-view.shown // PAGE_SIZE)),
        light=light or "",
        q=q or "",
        sort=sort,
        desc=desc,
        sorts=SORTS,
        link=link,
        todos=todos(session=session, principal=principal, today=today(), rules=rules),
        corrections=counts(session=session, scope=principal.scope, today=today(), year=chosen),
        key_list=key_lines(session=session, scope=principal.scope, year=chosen, as_of=day, limit=KEY_LINES),
        flashes=take_flashes(request),
    )
