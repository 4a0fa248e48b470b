"""Target review (绩效目标审核, DOMAIN.md §6) of the stored tables: the pure checks, scoped, with names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from tracker.config import load_rules
from tracker.core.review import ReviewRules, review_project
from tracker.errors import InvalidInput
from tracker.scope import Scope
from tracker.targets.service import load_core


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


def review_rules() -> ReviewRules:
    """The `review:` section of config/rules.yaml over the defaults."""
    section: dict[str, Any] = load_rules().get("review") or {}
    ratio = section.get("quantity_cost_ratio")
    if ratio is None:
        return ReviewRules()
    try:
        low, high = (Decimal(str(x)) for x in ratio)
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise InvalidInput(f"config/rules.yaml review.quantity_cost_ratio: 应为[下限, 上限]，实为{ratio!r}") from exc
    if not 0 <= low < high:
        raise InvalidInput(f"config/rules.yaml review.quantity_cost_ratio: 下限{low}应小于上限{high}")
    return ReviewRules(budget_ratio_low=low, budget_ratio_high=high)


def review_targets(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    severity: str | None = None,
) -> list[ReviewFinding]:
    """Every finding on the tables the scope may see, table by table in published order."""
    rules = review_rules()
    out: list[ReviewFinding] = []
    for project, data in load_core(session=session, scope=scope, year=year, dept_code=dept_code):
        assert project.id is not None
        who = ReviewProject(id=project.id, dept_code=project.dept_code, code=project.code, name=project.name)
        names = {i.seq: i.level3 for i in data.indicators}
        for f in review_project(project=data, rules=rules):
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
                )
            )
    return out
