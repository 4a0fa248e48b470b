"""A job whose database connection is cut ends with a sentence, not a traceback; quarters of a year in
which the unit has no project cannot be submitted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.signin import api_client, load_changli

CUT_ALERTS = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from sqlalchemy import event
    from tracker.db import get_engine
    from tracker.cli import main

    engine = get_engine()
    cut = {"done": False}

    @event.listens_for(engine, "before_cursor_execute")
    def cut_once(conn, cursor, statement, params, context, executemany):
        # the alerts job reads the projects: its connection is terminated right then, once
        if not cut["done"] and "FROM project" in statement and "alert" not in statement.split("FROM")[0]:
            cut["done"] = True
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with sa.create_engine(engine.url).connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    sys.argv = ["tracker", "jobs", "run", "alerts", "--as-of", "2024-04-01"]
    main()
    """
)


def test_an_alerts_run_whose_connection_is_cut_exits_with_a_sentence(committed_db: Engine, tmp_path: Path) -> None:
    if committed_db.dialect.name != "postgresql":
        pytest.skip("a connection can be terminated only on PostgreSQL")
    load_changli()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": committed_db.url.render_as_string(hide_password=False),
        "TRACKER_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run([sys.executable, "-c", CUT_ALERTS], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode in (1, 2), result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "错误：" in result.stderr


def test_a_quarter_of_a_year_without_projects_cannot_be_submitted(committed_db: Engine) -> None:
    load_changli()
    client = api_client()
    none = client.post("/api/v1/actuals/submissions", json={"dept_code": "314001", "year": 2030, "quarter": 1})
    assert none.status_code == 422
    assert none.json() == {"error": "InvalidInput", "detail": "单位“314001”在2030年没有项目，不能报送该年度的季度"}
    real = client.post("/api/v1/actuals/submissions", json={"dept_code": "314001", "year": 2024, "quarter": 1})
    assert real.status_code == 201, real.text
