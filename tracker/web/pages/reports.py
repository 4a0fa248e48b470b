"""通报: units or regions ranked by execution against plan, time progress and last year, with a chart."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.reports.chart import ranking_chart
from tracker.reports.service import ranking
from tracker.web.pages.common import default_as_of, pick_year, take_flashes, years
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()


@router.get("/reports", name="reports")
def reports_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    year: int | None = None,
    as_of: date | None = None,
    by: Annotated[str, Query(pattern="^(unit|region)$")] = "unit",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """The ranking is computed for every unit (a rank needs them all); the page renders one page of rows."""
    available = years(session=session, scope=principal.scope)
    chosen = pick_year(year, available)
    day = default_as_of(chosen, as_of)
    result = ranking(session=session, scope=principal.scope, year=chosen, as_of=day, by=by, rules=rules)
    query = urlencode({"year": chosen, "as_of": day.isoformat(), "by": by})
    pager = Pager("/reports", page, params={"year": chosen, "as_of": day.isoformat(), "by": by}).with_total(
        len(result.rows)
    )
    return render(
        request,
        "reports.html",
        principal=principal,
        title="通报",
        r=result,
        chart=ranking_chart(result),
        rows=result.rows[pager.offset : pager.offset + pager.size],
        pager=pager,
        years=available or [chosen],
        query=query,
        flashes=take_flashes(request),
    )
