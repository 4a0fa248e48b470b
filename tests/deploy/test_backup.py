"""Backup and restore as README.md describes them: pg_dump of a loaded database, pg_restore into a fresh
database, and `tracker variance show` gives the same answer from both, every table the same row count.

Needs the Debian `postgresql-client` tools (`make test` installs them where missing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from tests.conftest import PG_URL
from tests.support import lagging_first_quarter
from tracker import migrate
from tracker.db import session_scope

pytestmark = [pytest.mark.deploy, pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump")]
VARIANCE = [sys.executable, "-m", "tracker.cli", "variance", "show", "--as-of", "2024-04-01", "--format", "json"]


def libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it (no driver name, no search_path option)."""
    u = make_url(url)
    return f"postgresql://{u.username}@{u.host}:{u.port}/{u.database}"


def schema_of(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.text("select current_schema()")).scalar_one())


def variance(url: str, tmp_path: Path) -> str:
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run(VARIANCE, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in SQLModel.metadata.sorted_tables}  # fmt: skip


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A new, empty database on the shared server (created and dropped here; the server is never restarted)."""
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("engine", ["pg"], indirect=True)
def test_a_dump_restored_into_a_fresh_database_shows_the_same_variance(
    committed_db: Engine, fresh_database: str, tmp_path: Path
) -> None:
    with session_scope() as session:
        lagging_first_quarter(session)
    url = committed_db.url.render_as_string(hide_password=False)
    before = variance(url, tmp_path)
    assert '"light": "red"' in before  # a loaded database, not an empty one

    schema, dump = schema_of(committed_db), tmp_path / "tracker.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", f"--schema={schema}", "-f", str(dump), libpq(url)],
                   check=True, timeout=300)  # fmt: skip
    target = libpq(url).rsplit("/", 1)[0] + f"/{fresh_database}"
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)], check=True, timeout=300)

    restored_url = f"postgresql+psycopg{target.removeprefix('postgresql')}?options=-csearch_path%3D{schema}"
    assert migrate.is_current(restored_url), "the restored schema is at the newest migration"
    assert variance(restored_url, tmp_path) == before
    restored = sa.create_engine(restored_url)
    try:
        assert row_counts(restored) == row_counts(committed_db)
    finally:
        restored.dispose()
