"""通报 under /api/v1/reports: the ranking as JSON, or as the workbook to send."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from tracker.deps import RulesDep, ScopeDep, SessionDep
from tracker.reports.schemas import RankingOut, ranking_out
from tracker.reports.service import ranking
from tracker.reports.xlsx import write_ranking

router = APIRouter(tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports/ranking", response_model=RankingOut)
def get_ranking(
    session: SessionDep,
    scope: ScopeDep,
    rules: RulesDep,
    year: int,
    as_of: date,
    by: Annotated[str, Query(pattern="^(unit|region)$")] = "unit",
) -> RankingOut:
    """Units or regions the caller may see, ranked by execution against plan."""
    return ranking_out(ranking(session=session, scope=scope, year=year, as_of=as_of, by=by, rules=rules))


@router.get("/reports/ranking.xlsx")
def get_ranking_xlsx(
    session: SessionDep,
    scope: ScopeDep,
    rules: RulesDep,
    year: int,
    as_of: date,
    by: Annotated[str, Query(pattern="^(unit|region)$")] = "unit",
) -> Response:
    buffer = io.BytesIO()
    write_ranking(buffer, ranking(session=session, scope=scope, year=year, as_of=as_of, by=by, rules=rules))
    name = quote(f"{year}年执行进度通报（截至{as_of.isoformat()}）.xlsx")
    return Response(
        buffer.getvalue(), media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )
