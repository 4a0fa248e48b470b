"""Every file of the bad-input corpus is refused with exactly the message in manifest.json, and nothing is
written: uploads through `tracker actuals upload` and POST /api/v1/actuals/uploads, target files through
`tracker targets import`, each on SQLite and on PostgreSQL (one migrated database per kind, loaded once).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from typer.testing import CliRunner

from tests.conftest import BACKENDS, DATA, app_database
from tests.signin import api_client
from tracker.cli import app
from tracker.db import get_engine, session_scope
from tracker.targets.service import import_targets

HERE = Path(__file__).resolve().parent
MANIFEST: dict[str, dict[str, Any]] = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
runner = CliRunner()


@pytest.fixture(scope="module", params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The 昌黎县 2024 targets in a database of each kind, and an admin's API client on it."""
    engine: Engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")
    with app_database(engine, tmp_path_factory.mktemp("var")):
        with session_scope() as session:
            import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name)
        yield api_client("corpus-admin")


def row_counts() -> dict[str, int]:
    """Rows in every table: a refused file changes none of them."""
    with get_engine().connect() as conn:
        return {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in SQLModel.metadata.sorted_tables
        }


def flat(text: str) -> str:
    """The text without white space: the terminal may wrap a long message."""
    return "".join(text.split())


def as_line(row: dict[str, Any]) -> str:
    where = f"[{row['sheet']}] " if row.get("sheet") else ""
    if row["row"] is None:
        return f"{where}file: {row['message']}"
    return f"{where}row {row['row']}, column {row['column']}: {row['message']}"


@pytest.mark.parametrize("name", sorted(MANIFEST["uploads"]))
def test_bad_upload_is_refused_with_its_message_by_cli_and_api(county: TestClient, name: str) -> None:
    expected = MANIFEST["uploads"][name]
    path = HERE / "uploads" / name
    before = row_counts()
    result = runner.invoke(app, ["actuals", "upload", str(path)])
    assert result.exit_code == 1, result.output
    printed = [line for line in result.stdout.splitlines() if line]
    assert printed == expected["lines"]
    assert flat(expected["detail"]) in flat(result.output)
    assert row_counts() == before

    response = county.post("/api/v1/actuals/uploads", files={"file": (name, path.read_bytes(), "text/csv")})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] == expected["detail"]
    assert [as_line(r) for r in body["rows"]] == expected["lines"]
    assert row_counts() == before


@pytest.mark.parametrize("name", sorted(MANIFEST["targets"]))
def test_bad_target_file_is_refused_with_its_message(county: TestClient, name: str) -> None:
    expected: str = MANIFEST["targets"][name]  # type: ignore[assignment]
    before = row_counts()
    result = runner.invoke(app, ["targets", "import", str(HERE / "targets" / name)])
    assert result.exit_code == 2, result.output
    assert flat(expected) in flat(result.output)
    assert row_counts() == before


def test_the_corpus_holds_at_least_100_bad_files_each_with_its_message() -> None:
    on_disk = {f"{d.name}/{f.name}" for d in (HERE / "uploads", HERE / "targets") for f in d.iterdir()}
    listed = {f"uploads/{n}" for n in MANIFEST["uploads"]} | {f"targets/{n}" for n in MANIFEST["targets"]}
    assert on_disk == listed
    assert len(listed) >= 100
