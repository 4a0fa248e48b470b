"""The province dashboard's statements can each be answered from indexes on PostgreSQL (issue 14).

A province holds 60,000 projects a year and millions of audit entries; a view of the dashboard must
not scan those tables whole. The test tables are tiny, so the planner is told not to scan
(`enable_seqscan = off`) and each statement of one view is asked which plan is possible: a scan that
remains means no index can serve it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from tests.support import load_changli
from tracker.config import get_settings
from tracker.monitoring.snapshots import take_snapshots
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.web.overview import overview

BIG = ("project", "variance_snapshot", "audit_entry", "payment", "indicator")


def _plans(session: Session, **view: Any) -> list[tuple[str, str]]:
    """(statement, plan) of every statement one dashboard view runs."""
    seen: list[tuple[str, Any]] = []
    conn = session.connection()

    def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", keep)
    try:
        overview(
            session=session, scope=Scope.everything(), year=2024, as_of=date(2024, 6, 30), rules=load_rules(), **view
        )
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    return [
        (sql, "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, params or {})))
        for sql, params in seen
        if sql.lstrip().upper().startswith("SELECT")
    ]


@pytest.fixture
def province(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    load_changli(session)
    monkeypatch.setenv("TRACKER_DASHBOARD_LIVE_LIMIT", "10")  # read from the snapshots, as a province does
    get_settings.cache_clear()
    take_snapshots(session=session, as_of=date(2024, 6, 30), rules=load_rules())
    return session


@pytest.mark.parametrize("view", [{}, {"sort": "no", "offset": 100}, {"region_code": "130322"}, {"light": "red"}])
def test_no_statement_of_a_dashboard_view_scans_a_big_table(province: Session, view: dict[str, Any]) -> None:
    for sql, plan in _plans(province, **view):
        scanned = [t for t in BIG if re.search(rf"Seq Scan on {t}\b", plan)]
        assert not scanned, f"{sql}\n{plan}"


def test_the_freshness_check_reads_the_latest_audit_entry_and_import_from_indexes(province: Session) -> None:
    marks = [plan for sql, plan in _plans(province) if "max(audit_entry.at)" in sql]
    assert marks, "the view checks whether anything changed since the snapshots"
    assert all("ix_audit_entry_at" in p and "ix_project_updated_at" in p for p in marks), marks


def test_the_summary_stamp_reads_the_newest_snapshot_of_the_day_from_one_index(province: Session) -> None:
    """board_memo.stamp runs on every view: the newest snapshot of the day must come from (as_of, created_at)."""
    from tracker.web import overview as module

    module._KEPT.clear()  # a miss, as the first view after the night's run
    # On a few rows the planner may as well read the day's snapshots through the as_of indexes; without them
    # (dropped inside the test's transaction) a plan that scans no table must come from the new one.
    province.execute(text("DROP INDEX ix_variance_snapshot_as_of, ix_variance_snapshot_as_of_overall_light"))
    stamps = [plan for sql, plan in _plans(province) if "max(variance_snapshot.created_at)" in sql]
    assert stamps, "the view asks the database whether a kept summary still holds"
    assert all("ix_variance_snapshot_as_of_created_at" in p and "Seq Scan" not in p for p in stamps), stamps
