"""整改通知 under /api/v1/corrections: the finance bureau issues, returns and accepts; the unit answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tracker.clock import today
from tracker.corrections import service
from tracker.corrections.schemas import AcceptIn, AnswerIn, NoticeIn, NoticeOut, NoticePage, ReturnIn, notice_out
from tracker.deps import PrincipalDep, RulesDep, ScopeDep, SessionDep
from tracker.models import CorrectionNotice, Project

router = APIRouter(tags=["corrections"])


def _out(session: SessionDep, notice: CorrectionNotice) -> NoticeOut:
    project = session.get(Project, notice.project_id)
    assert project is not None
    return notice_out(notice, project, today=today())


@router.get("/corrections", response_model=NoticePage)
def list_corrections(
    session: SessionDep,
    scope: ScopeDep,
    state: Annotated[
        str | None, Query(description="open / overdue / closed / issued / answered / returned / accepted")
    ] = None,
    project_id: int | None = None,
    year: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> NoticePage:
    day = today()
    rows, total = service.list_notices(
        session=session,
        scope=scope,
        today=day,
        state=state,
        project_id=project_id,
        year=year,
        limit=limit,
        offset=offset,
    )
    return NoticePage(items=[notice_out(n, p, today=day) for n, p in rows], total=total)


@router.post("/corrections", response_model=NoticeOut, status_code=201)
def post_correction(body: NoticeIn, session: SessionDep, principal: PrincipalDep, rules: RulesDep) -> NoticeOut:
    """Issue a notice (the finance bureau)."""
    n = service.issue_notice(
        session=session,
        principal=principal,
        rules=rules,
        project_id=body.project_id,
        problem=body.problem,
        requirement=body.requirement,
        due_on=body.due_on,
        withhold=body.withhold,
    )
    return _out(session, n)


@router.get("/corrections/{notice_id}", response_model=NoticeOut)
def get_correction(notice_id: int, session: SessionDep, scope: ScopeDep) -> NoticeOut:
    return _out(session, service.get_notice(session=session, scope=scope, notice_id=notice_id))


@router.post("/corrections/{notice_id}/answer", response_model=NoticeOut)
def answer_correction(
    notice_id: int, body: AnswerIn, session: SessionDep, principal: PrincipalDep, rules: RulesDep
) -> NoticeOut:
    """The unit's measures (and later its result)."""
    n = service.answer_notice(
        session=session,
        principal=principal,
        rules=rules,
        notice_id=notice_id,
        measures=body.measures,
        result=body.result,
    )
    return _out(session, n)


@router.post("/corrections/{notice_id}/return", response_model=NoticeOut)
def return_correction(
    notice_id: int, body: ReturnIn, session: SessionDep, principal: PrincipalDep, rules: RulesDep
) -> NoticeOut:
    n = service.return_notice(
        session=session, principal=principal, rules=rules, notice_id=notice_id, comment=body.comment, due_on=body.due_on
    )
    return _out(session, n)


@router.post("/corrections/{notice_id}/accept", response_model=NoticeOut)
def accept_correction(
    notice_id: int, body: AcceptIn, session: SessionDep, principal: PrincipalDep, rules: RulesDep
) -> NoticeOut:
    n = service.accept_notice(
        session=session,
        principal=principal,
        rules=rules,
        notice_id=notice_id,
        comment=body.comment,
        cut_budget_wan=body.cut_budget_wan,
    )
    return _out(session, n)
