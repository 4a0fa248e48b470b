"""No limit from the install's size: more projects than a statement may carry parameters (65,535).

The projects are written by SQL (generate_series), not through the importer, so that the test is
about reading them back: a one-row upload and `variance show` over every year must still work.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tests.conftest import PG_URL, _pg_available
from tracker import migrate
from tracker.cli import app
from tracker.config import get_settings
from tracker.db import get_engine, make_engine

pytestmark = pytest.mark.slow
PROJECTS_2024, PROJECTS_2025 = 61_600, 4_400  # a province-year plus a county's next year: 66,000 > 65,535
UNITS = 1_000


@pytest.fixture
def big_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    """A schema of its own holding 66,000 projects, each with a plan; dropped afterwards."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    schema = f"big_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            _fill(conn)
        monkeypatch.setenv("TRACKER_DATABASE_URL", url)
        monkeypatch.setenv("TRACKER_VAR_DIR", str(tmp_path / "var"))
        get_settings.cache_clear()
        get_engine.cache_clear()
        yield engine
        engine.dispose()
    finally:
        get_engine().dispose()
        get_settings.cache_clear()
        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _fill(conn: sa.Connection) -> None:
    total = PROJECTS_2024 + PROJECTS_2025
    conn.execute(sa.text("INSERT INTO region (code, name) VALUES ('130150', '石家庄市安安县')"))
    conn.execute(
        sa.text(
            "INSERT INTO dept (code, name, region_code) SELECT lpad(g::text, 6, '0'), '单位' || g, '130150'"
            " FROM generate_series(1, :units) g"
        ),
        {"units": UNITS},
    )
    conn.execute(
        sa.text(
            "INSERT INTO project (year, dept_code, code, name, region_code, heading_no, purpose, budget_fen,"
            " fiscal_fen, other_fen, incomplete, source_line, updated_at)"
            " SELECT CASE WHEN g <= :first THEN 2024 ELSE 2025 END, lpad((1 + g % :units)::text, 6, '0'),"
            " '130150' || CASE WHEN g <= :first THEN '24' ELSE '25' END || 'P' || lpad(g::text, 12, '0'),"
            " '项目' || g, '130150', g, '', 100000000, 100000000, 0, false, 0, now()"
            " FROM generate_series(1, :total) g"
        ),
        {"first": PROJECTS_2024, "units": UNITS, "total": total},
    )
    conn.execute(
        sa.text(
            "INSERT INTO plan_checkpoint (project_id, month, cumulative_pct)"
            " SELECT id, m, m * 100 / 12 FROM project CROSS JOIN (VALUES (6), (12)) AS months(m)"
        )
    )


def test_a_one_row_dry_run_and_variance_of_every_year_work_past_the_parameter_limit(
    big_install: Engine, tmp_path: Path
) -> None:
    with big_install.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM project")).scalar_one() > 65_535
        dept, code = conn.execute(sa.text("SELECT dept_code, code FROM project WHERE year = 2024 LIMIT 1")).one()
    file = tmp_path / "one.csv"
    file.write_text(f"单位编码,项目编码,支付日期,金额（万元）\n{dept},{code},2024-03-05,10\n", encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(app, ["actuals", "upload", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "检查通过" in dry.output

    shown = runner.invoke(app, ["variance", "show", "--as-of", "2024-06-30", "--format", "json"])
    assert shown.exit_code == 0, shown.output[-2000:]
    assert len(json.loads(shown.stdout)) == PROJECTS_2024  # --as-of alone means that date's year
    every = runner.invoke(app, ["variance", "show", "--format", "json"])
    assert every.exit_code == 0, every.output[-2000:]
    rows = json.loads(every.stdout)
    assert len(rows) == PROJECTS_2024 + PROJECTS_2025
    assert {r["planned_pct"] for r in rows} >= {100.0}  # both years are measured (2024 at its year end)
