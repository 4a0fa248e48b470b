"""Target review (绩效目标审核, DOMAIN.md §6) of the stored tables: the pure checks, scoped, with names."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from tracker.core.project import ProjectData
from tracker.core.review_rules import ReviewRules
from tracker.evaluation import review_store as store
from tracker.evaluation.service import page_of_projects
from tracker.models import Project
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.targets.loading import core_of, iter_core


class ReviewProject(BaseModel):
    id: int
    dept_code: str
    code: str
    name: str


class ReviewFinding(BaseModel):
    """One finding: which project and indicator, how serious, which rule, and a sentence in Chinese."""

    project: ReviewProject
    seq: int | None  # the indicator's sequence number; None for the table as a whole
    indicator: str | None  # its 三级指标 name
    severity: str  # error | warning | info
    rule: str
    message: str
    dept_code: str = ""  # INTERFACE.md's flat keys beside `project`
    code: str = ""
    suggestion: str = ""  # the correction a reviewer would ask for


def review_rules(rules: Rules) -> ReviewRules:
    """The `review:` section (budget_ratio_low, budget_ratio_high) over the core's defaults."""
    return rules.review.core()


def review_targets(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    severity: str | None = None,
    rules: Rules,
) -> list[ReviewFinding]:
    """Every finding on the tables the scope may see, table by table in published order, by each place's rules."""
    return list(
        iter_review(session=session, scope=scope, year=year, dept_code=dept_code, severity=severity, rules=rules)
    )


def iter_review(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    severity: str | None = None,
    rules: Rules,
) -> Iterator[ReviewFinding]:
    """`review_targets` one finding at a time, holding one piece of tables (`tracker targets review`)."""
    of_place = _review_by_place(rules)
    for part in iter_core(session=session, scope=scope, year=year, dept_code=dept_code):
        for project, data in part:
            yield from _findings(project, data, of_place, severity)


def review_findings_page(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    severity: str | None = None,
    region_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
    rules: Rules,
) -> tuple[list[ReviewFinding], int]:
    """Findings [offset, offset + limit) and how many there are, from the stored findings (review_store.py).

    The tables of the selection changed since their last review are reviewed first; the page and the
    count are then read in SQL, in the order `review_targets` lists them.
    """
    refresh_findings(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code, rules=rules)
    rows, total = store.page(
        session=session,
        scope=scope,
        year=year,
        dept_code=dept_code,
        region_code=region_code,
        severity=severity,
        limit=limit,
        offset=offset,
    )
    return [_stored(r) for r in rows], total


def refresh_findings(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    region_code: str | None = None,
    rules: Rules,
) -> int:
    """Store anew the findings of the selected tables changed since their last review; how many were reviewed."""
    return store.refresh(
        session=session,
        scope=scope,
        year=year,
        dept_code=dept_code,
        region_code=region_code,
        of_place=_review_by_place(rules),
    )


def _stored(r: Any) -> ReviewFinding:
    """A stored finding as the API shows it."""
    who = ReviewProject(id=r.project_id, dept_code=r.dept_code, code=r.project_code, name=r.project_name)
    return _finding(who, {name: getattr(r, name) for name in store.FIELDS})


def _finding(who: ReviewProject, fields: Mapping[str, Any]) -> ReviewFinding:
    """A finding of `who`'s table, with INTERFACE.md's flat keys (dept_code, code) beside `project`."""
    return ReviewFinding(project=who, dept_code=who.dept_code, code=who.code, **fields)


def review_projects_page(
    *,
    session: Session,
    scope: Scope,
    year: int,
    dept_code: str | None = None,
    region_code: str | None = None,
    limit: int = 20,
    offset: int = 0,
    rules: Rules,
) -> tuple[list[tuple[ReviewProject, list[ReviewFinding]]], int]:
    """One page of the selection's tables (in table order, chosen and counted in SQL) with their findings.

    The 目标审核 page: only the page's tables are read and reviewed, so its cost does not grow with the
    install; a table without findings is listed with an empty list.
    """
    ids, total = page_of_projects(
        session=session,
        scope=scope,
        year=year,
        dept_code=dept_code,
        region_code=region_code,
        limit=limit,
        offset=offset,
    )
    of_place = _review_by_place(rules)
    out = [
        (_who(project), _findings(project, data, of_place, None))
        for project, data in core_of(session=session, project_ids=ids)
    ]
    return out, total


def _who(project: Project) -> ReviewProject:
    assert project.id is not None
    return ReviewProject(id=project.id, dept_code=project.dept_code, code=project.code, name=project.name)


def _review_by_place(rules: Rules) -> Callable[[str, int], ReviewRules]:
    """A place's review rules, built once per (region, year) for a run over many tables."""

    @cache
    def of_place(region_code: str, year: int) -> ReviewRules:
        return review_rules(rules.for_place(region_code, year))

    return of_place


def _findings(
    project: Project, data: ProjectData, of_place: Callable[[str, int], ReviewRules], severity: str | None
) -> list[ReviewFinding]:
    """The findings of one table by its place's rules, `severity` alone where given."""
    who = _who(project)
    fields = store.finding_fields(data, of_place(project.region_code, project.year))
    return [_finding(who, f) for f in fields if severity is None or f["severity"] == severity]
