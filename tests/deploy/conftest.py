"""Deployment tests: a fresh empty database of each kind, and the repository's executables on PATH."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, _pg_available

BIN = str(Path(sys.executable).parent)


@pytest.fixture(params=["sqlite", "pg"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables yet (a new SQLite file, or a new PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    schema = f"t_deploy_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def env_for(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment a container would have: the database, a var dir, the venv's commands first."""
    return {
        **os.environ,
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "TRACKER_DATABASE_URL": url,
        "TRACKER_VAR_DIR": str(tmp_path / "var"),
        "TRACKER_SECRET_KEY": "deploy-test-" + "k" * 40,
        **extra,
    }
