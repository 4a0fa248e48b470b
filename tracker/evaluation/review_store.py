"""Stored target-review findings: reviewed again only where a table changed, then paged and counted in SQL.

Reviewing every table of a province (60,000) to count its findings takes tens of seconds, so `GET /review`
answers from `review_finding` (models/review.py). Before a page is read, `refresh` reviews again the
selected tables whose findings may be out of date, as the dashboard does with its snapshots
(monitoring/board.py): a table without a mark, one re-imported (`project.updated_at`) or corrected (an
audit entry of CHANGES_TABLE naming it) since its mark, or one whose place's review rules (config/rules.yaml) are no
longer those its mark was stamped with. The findings stored are exactly those `review_project` returns,
in its order, so a page equals the same slice of the computed list (`review_targets`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlmodel import Session, col, func

from tracker.bulk import chunks, insert_rows, matching
from tracker.core.project import ProjectData
from tracker.core.review import review_project
from tracker.core.review_rules import ReviewRules
from tracker.models import AuditEntry, Project, ReviewMark, StoredFinding, utcnow
from tracker.scope import Scope
from tracker.shared.sql import upsert
from tracker.targets.loading import ORDER, core_of, where

PROJECT: Table = Project.__table__  # type: ignore[attr-defined]
MARK: Table = ReviewMark.__table__  # type: ignore[attr-defined]
FINDING: Table = StoredFinding.__table__  # type: ignore[attr-defined]
P, M, F = PROJECT.c, MARK.c, FINDING.c
PIECE = 2_000  # tables reviewed and written at a time
# The audit actions that change what a review reads: an indicator's target, a project's budget. Uploads,
# withdrawals, approvals and notices write audit entries too, but leave the tables as they were: a table
# is not reviewed again for them (an upload naming 4,400 projects would otherwise cost a province's next
# `GET /review` 4,400 reviews).
CHANGES_TABLE = ("indicator.correct", "budget.change")


def rules_stamp(rules: ReviewRules) -> str:
    """A short fingerprint of a place's review rules: stored findings under another stamp are stale."""
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:16]


def _expected_stamp(session: Session, chosen: Any, of_place: Callable[[str, int], ReviewRules]) -> Any:
    """The stamp each selected table's place has now, as an SQL expression on the project row.

    Per year the most common stamp, and a branch for each place that differs (a region with its own
    `review:` in rules.yaml): its size follows the rules file, not the number of tables.
    """
    places = session.execute(chosen(sa.select(P.year, P.region_code).select_from(PROJECT)).distinct()).all()
    stamps = {(int(year), region): rules_stamp(of_place(region, int(year))) for year, region in places}
    usual = {year: Counter(s for (y, _), s in stamps.items() if y == year).most_common(1)[0][0] for year, _ in stamps}
    branches = [
        (sa.and_(P.year == year, P.region_code == region), stamp)
        for (year, region), stamp in sorted(stamps.items())
        if stamp != usual[year]
    ]
    branches += [(P.year == year, stamp) for year, stamp in sorted(usual.items())]
    return sa.case(*branches, else_="") if branches else sa.literal("")


def refresh(
    *,
    session: Session,
    scope: Scope,
    year: int | None,
    dept_code: str | None,
    region_code: str | None,
    of_place: Callable[[str, int], ReviewRules],
) -> int:
    """Review again the selected tables whose stored findings may be stale; answer how many were reviewed."""

    def chosen(query: Any) -> Any:
        return where(scope, query, year=year, dept_code=dept_code, region_code=region_code)

    expected = _expected_stamp(session, chosen, of_place)
    joined = PROJECT.outerjoin(MARK, M.project_id == P.id)
    wrong = func.sum(sa.case((M.rules_stamp != expected, 1), else_=0))
    held, oldest, mismatched, selected = session.execute(
        chosen(sa.select(func.count(M.project_id), func.min(M.reviewed_at), wrong, func.count()).select_from(joined))
    ).one()
    latest_import = sa.select(func.max(P.updated_at)).scalar_subquery()
    changes_table = col(AuditEntry.action).in_(CHANGES_TABLE)
    latest_change = sa.select(func.max(AuditEntry.at)).where(changes_table).scalar_subquery()
    marks = session.execute(sa.select(latest_change, latest_import)).one()
    changed = max((t for t in marks if t is not None), default=None)
    if held == selected and not mismatched and (changed is None or (oldest is not None and oldest > changed)):
        return 0  # the common case: every table reviewed after the last change anywhere, one pass over marks
    touched = (
        sa.select(func.max(AuditEntry.at)).where(col(AuditEntry.project_id) == P.id, changes_table).scalar_subquery()
    )
    stale = chosen(
        sa.select(P.id)
        .select_from(joined)
        .where(
            sa.or_(
                M.project_id.is_(None),
                M.reviewed_at <= P.updated_at,
                M.reviewed_at <= touched,
                M.rules_stamp != expected,
            )
        )
    )
    ids = [int(i) for i in session.execute(stale.order_by(*ORDER)).scalars()]
    for part in chunks(ids, PIECE):
        _store(session, part, of_place)
    return len(ids)


FIELDS = ("seq", "indicator", "severity", "rule", "message", "suggestion")  # a finding's own, as stored and shown


def finding_fields(data: ProjectData, rules: ReviewRules) -> list[dict[str, Any]]:
    """One table's findings as the FIELDS, in the order `review_project` returns them: what is stored here and
    what `review.py` lists when it reviews on the spot, so that the two cannot differ."""
    names = {i.seq: i.level3 for i in data.indicators}
    return [
        {"seq": f.seq, "indicator": names.get(f.seq) if f.seq is not None else None, "severity": f.severity.value,
         "rule": f.rule.value, "message": f.message, "suggestion": f.suggestion}
        for f in review_project(project=data, rules=rules)
    ]  # fmt: skip


def _store(session: Session, ids: list[int], of_place: Callable[[str, int], ReviewRules]) -> None:
    """Review these tables and replace their findings and marks."""
    now = utcnow()  # before the read: a change committed while reviewing is newer than the mark
    marks: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for project, data in core_of(session=session, project_ids=ids):
        place = of_place(project.region_code, project.year)
        marks.append({"project_id": project.id, "reviewed_at": now, "rules_stamp": rules_stamp(place)})
        for position, fields in enumerate(finding_fields(data, place)):
            rows.append({
                "project_id": project.id, "position": position, "year": project.year,
                "region_code": project.region_code, "dept_code": project.dept_code, "heading_no": project.heading_no,
                **fields, "created_at": now,
            })  # fmt: skip
    # The marks first: their row locks make a second request refreshing the same tables wait for this one,
    # and its delete then sees (and removes) what this one wrote, so no table's findings are doubled.
    upsert(session, MARK, marks, key=("project_id",))
    for among in matching(session, F.project_id, ids):
        session.execute(FINDING.delete().where(among))
    insert_rows(session, FINDING, rows)


def page(
    *,
    session: Session,
    scope: Scope,
    year: int | None,
    dept_code: str | None,
    region_code: str | None,
    severity: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    """Stored findings [offset, offset + limit) in table order with their tables' code and name, and the count."""
    query = scope.filter(sa.select(FINDING).select_from(FINDING), F.region_code, F.dept_code)
    for column, value in (
        (F.year, year),
        (F.dept_code, dept_code),
        (F.region_code, region_code),
        (F.severity, severity),
    ):
        if value is not None:
            query = query.where(column == value)
    total = session.execute(sa.select(func.count()).select_from(query.subquery())).scalar_one()
    order = (F.year, F.region_code, F.heading_no, F.project_id, F.position)
    chosen = query.order_by(*order).limit(limit).offset(offset).subquery()
    rows = session.execute(
        sa.select(chosen, P.code.label("project_code"), P.name.label("project_name"))
        .select_from(chosen.join(PROJECT, P.id == chosen.c.project_id))
        .order_by(*(chosen.c[c.name] for c in order))
    ).all()
    return list(rows), int(total)
