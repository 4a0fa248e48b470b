"""Whole-install reads send statements of bounded size (tracker/bulk.py): a province's 60,000 project ids
never travel as 60,000 parameters (SQLite refuses past 32,766, PostgreSQL's protocol past 65,535).

The sets are split at `bulk.CHUNK` ids (the budget reader's own `_CHUNK`); here both are 7, so 昌黎县's 44
projects take several statements. The answers stay those of one statement, and the largest statement is
no larger beside five more counties than with 昌黎县 alone: its size follows the chunk, not the install.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from tracker import bulk
from tracker.actuals.read import paid_by_source
from tracker.budget import service as budgets
from tracker.demo.generate import Options, generate
from tracker.evaluation import review_store
from tracker.evaluation.review import review_findings_page, review_targets
from tracker.models import Project
from tracker.monitoring.midyear import monitoring_projects
from tracker.reports.service import ranking
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.targets.service import import_targets

CHUNK = 7
JUNE_30 = date(2024, 6, 30)


@contextmanager
def largest_statement(session: Session) -> Iterator[list[int]]:
    """The most parameters any one statement sent inside the block (on PostgreSQL a set is one array)."""
    most = [0]
    engine = session.get_bind().engine

    def before(_conn: Any, _cursor: Any, _sql: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if not executemany:  # one prepared statement run per row (bulk.insert_rows): each run binds one row
            most[0] = max(most[0], len(parameters or ()))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield most
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _ids(session: Session) -> list[int]:
    return [p for p in session.exec(select(Project.id)) if p is not None]


READS: dict[str, Callable[[Session], object]] = {
    "paid_by_source": lambda s: paid_by_source(session=s, project_ids=_ids(s), as_of=JUNE_30),
    "ranking (通报)": lambda s: ranking(
        session=s, scope=Scope.everything(), year=2024, as_of=JUNE_30, rules=load_rules(), by="region"
    ),
    "monitoring table": lambda s: monitoring_projects(
        session=s, scope=Scope.everything(), year=2024, through_month=6, rules=load_rules()
    ),
}


@pytest.fixture(scope="module")
def five_counties(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    out = tmp_path_factory.mktemp("counties")
    manifest = generate(options=Options(counties=5, seed=5, projects=12), out=out)
    return [(out / c["targets"]).read_bytes() for c in manifest["counties"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(READS))
def test_a_whole_year_read_sends_statements_of_bounded_size_with_the_same_answer(
    session: Session, changli_bytes: bytes, five_counties: list[bytes], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    import_targets(session=session, data=changli_bytes, filename="changli.txt")
    whole = READS[name](session)
    monkeypatch.setattr(bulk, "CHUNK", CHUNK)
    monkeypatch.setattr(budgets, "_CHUNK", CHUNK)
    with largest_statement(session) as alone:
        split = READS[name](session)
    assert split == whole
    for data in five_counties:
        import_targets(session=session, data=data, filename="county.txt")
    with largest_statement(session) as beside_five:
        READS[name](session)
    assert beside_five[0] == alone[0], f"{name}: {alone[0]} parameters for 44 projects, {beside_five[0]} for 104"


def test_the_stored_review_is_refreshed_and_paged_with_statements_of_bounded_size(
    session: Session, changli_bytes: bytes, five_counties: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GET /review's refresh (review_store.py) reviews and writes the changed tables a piece at a time."""
    monkeypatch.setattr(bulk, "CHUNK", CHUNK)
    monkeypatch.setattr(review_store, "PIECE", CHUNK)
    rules, everything = load_rules(), Scope.everything()
    import_targets(session=session, data=changli_bytes, filename="changli.txt")
    with largest_statement(session) as alone:
        items, total = review_findings_page(session=session, scope=everything, limit=1000, rules=rules)
    assert items == review_targets(session=session, scope=everything, rules=rules) and total == len(items)
    for data in five_counties:
        import_targets(session=session, data=data, filename="county.txt")
    with largest_statement(session) as beside_five:
        review_findings_page(session=session, scope=everything, limit=1000, rules=rules)
    assert beside_five[0] == alone[0], f"{alone[0]} parameters for 44 projects, {beside_five[0]} for 104"
