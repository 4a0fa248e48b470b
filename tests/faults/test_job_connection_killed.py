"""A scheduled job whose PostgreSQL connection is terminated (pg_terminate_backend) right after its first
write: `tracker jobs run` exits 1 with a sentence in Chinese and no traceback, the job's transaction is
gone entirely (nothing half-written), the run is recorded as failed, and running the job again completes.

The job runs in its own process (as the scheduler or an operator would run it); a hook in that process
terminates its own backend from a second connection once the job's write has reached the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.signin import load_changli
from tracker.alerts.contacts import set_contacts
from tracker.db import session_scope

pytestmark = [pytest.mark.faults, pytest.mark.parametrize("engine", ["pg"], indirect=True)]
AS_OF = "2024-04-01"  # after the first checkpoint: every 昌黎县 project is measured, most lag (no payments)

CUT_AFTER_WRITE = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from sqlalchemy import event
    from tracker.db import get_engine
    from tracker.cli import main

    engine = get_engine()
    table = sys.argv[1]
    cut = {"done": False}

    @event.listens_for(engine, "after_cursor_execute")
    def cut_once(conn, cursor, statement, params, context, executemany):
        # the job's own write has been executed inside its transaction: end the backend before the commit
        if not cut["done"] and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            cut["done"] = True
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with sa.create_engine(engine.url).connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    sys.argv = ["tracker", "jobs", "run", sys.argv[2], "--as-of", sys.argv[3]]
    main()
    """
)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def _runs(engine: Engine, name: str) -> list[str]:
    with engine.connect() as conn:
        query = sa.text("SELECT outcome FROM job_run WHERE name = :n ORDER BY id")
        return [str(o) for o in conn.execute(query, {"n": name}).scalars()]


@pytest.mark.parametrize(("job", "table"), [("variance", "variance_snapshot"), ("alerts", "alert_message")])
def test_a_job_whose_connection_is_cut_after_its_write_keeps_nothing_says_so_and_completes_when_run_again(
    committed_db: Engine, tmp_path: Path, job: str, table: str
) -> None:
    load_changli()
    with session_scope() as session:  # someone to alert, so that the alerts run has messages to write
        set_contacts(session=session, dept_code="314001", emails=["mz@example.cn"])
        set_contacts(session=session, dept_code=None, emails=["czj@example.cn"])
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": committed_db.url.render_as_string(hide_password=False),
        "TRACKER_VAR_DIR": str(tmp_path / "var"),
    }
    cut = subprocess.run(
        [sys.executable, "-c", CUT_AFTER_WRITE, table, job, AS_OF],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "Traceback" not in cut.stderr, cut.stderr
    assert "错误：" in cut.stderr and "数据库暂时不可用" in cut.stderr, cut.stderr
    assert _count(committed_db, table) == 0  # the write was inside the job's one transaction: none of it stays
    assert _runs(committed_db, job) == ["failed"]

    again = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "jobs", "run", job, "--as-of", AS_OF],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert _count(committed_db, table) > 0
    first, second = _runs(committed_db, job)
    assert first == "failed" and second in ("ok", "warning")
