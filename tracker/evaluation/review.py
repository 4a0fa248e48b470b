"""Target review (绩效目标审核, DOMAIN.md §6) of the stored tables: the pure checks, scoped, with names."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from tracker.core.review import ReviewRules, review_project
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.targets.service import load_core

_RATIO_KEYS = ("budget_ratio_low", "budget_ratio_high")


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
    out: list[ReviewFinding] = []
    for project, data in load_core(session=session, scope=scope, year=year, dept_code=dept_code):
        assert project.id is not None
        who = ReviewProject(id=project.id, dept_code=project.dept_code, code=project.code, name=project.name)
        names = {i.seq: i.level3 for i in data.indicators}
        for f in review_project(project=data, rules=review_rules(rules.for_place(project.region_code, project.year))):
            if severity is not None and f.severity.value != severity:
                continue
            out.append(
                ReviewFinding(
                    project=who,
                    seq=f.seq,
                    indicator=names.get(f.seq) if f.seq is not None else None,
                    severity=f.severity.value,
                    rule=f.rule.value,
                    message=f.message,
                    dept_code=project.dept_code,
                    code=project.code,
                    suggestion=f.suggestion,
                )
            )
    return out
