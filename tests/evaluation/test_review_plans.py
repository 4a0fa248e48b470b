"""The target review's freshness check reads audit entries from an index on PostgreSQL (issue 14).

A province's audit trail holds millions of entries, most of them written by uploads; `GET /review` asks
for the newest entry of the actions that change a table (review_store.CHANGES_TABLE) on every request.
The test tables are tiny, so the planner is told not to scan (`enable_seqscan = off`): a scan of
audit_entry that remains means no index can serve the question.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from tests.support import load_changli
from tracker.evaluation.review import refresh_findings
from tracker.rules import load_rules
from tracker.scope import Scope


def test_the_latest_change_of_a_table_is_read_from_the_action_index(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    load_changli(session)
    seen: list[tuple[str, Any]] = []
    conn = session.connection()

    def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if "audit_entry.action IN" in statement:
            seen.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", keep)
    try:
        refresh_findings(session=session, scope=Scope.everything(), rules=load_rules())
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    assert seen, "the review asks for the latest change of a table"
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    for sql, params in seen:
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, params or {}))
        assert not re.search(r"Seq Scan on audit_entry\b", plan), f"{sql}\n{plan}"
    first = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + seen[0][0], seen[0][1] or {}))
    assert "ix_audit_entry_action_at" in first, first
