"""Test databases: every database test runs on SQLite and on the real PostgreSQL.

Each run migrates a fresh database with Alembic (then `alembic check`), in its own PostgreSQL
schema so that parallel runs do not meet. Tests get a session inside a transaction that is rolled
back; tests that go through the CLI or the app get `committed_db`, which is emptied afterwards.
Under CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import tracker.models
from tracker import migrate
from tracker.config import ROOT, get_settings
from tracker.db import get_engine, make_engine

tracker.models.load_all()  # every table in the metadata: the tests empty them all
PG_URL = os.environ.get("TRACKER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA = Path(__file__).resolve().parent.parent / "data" / "changli-2024-targets.txt"
BACKENDS = ["sqlite", "pg"]


def _pg_available() -> str | None:
    try:
        eng = sa.create_engine(PG_URL)
        with eng.connect() as conn:
            conn.execute(sa.text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any failure to connect means "not available"
        return f"PostgreSQL at {PG_URL} is unreachable: {exc}"


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem + " (CI=true: PostgreSQL is required)")
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrated(url: str) -> Engine:
    migrate.upgrade(url)
    migrate.check(url)
    return make_engine(url)


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "tracker.db"
    engine = _migrated(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_schema_url: str) -> Iterator[Engine]:
    engine = _migrated(pg_schema_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated database of each kind."""
    name = "sqlite_engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (services never commit)."""
    with engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        outer.rollback()


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@contextmanager
def app_database(engine: Engine, var_dir: Path) -> Iterator[Engine]:
    """The app's settings point at this database (emptied) and var folder inside the block; it is emptied after."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        mp.setenv("TRACKER_VAR_DIR", str(var_dir))
        get_settings.cache_clear()
        get_engine.cache_clear()
        _empty(engine)
        try:
            yield engine
        finally:
            get_engine().dispose()
            get_settings.cache_clear()
            get_engine.cache_clear()
            _empty(engine)


@pytest.fixture
def committed_db(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """The app's settings point at this database for the test; every table is emptied afterwards."""
    with app_database(engine, tmp_path / "var") as db:
        yield db


@pytest.fixture
def rules_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of config/rules.yaml that the settings read instead of the shipped one."""
    shutil.copy(ROOT / "config" / "rules.yaml", tmp_path / "rules.yaml")
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path / "rules.yaml"
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def changli_bytes() -> bytes:
    return DATA.read_bytes()
