"""Input beyond the limits gets a message, not a traceback or a worker held: the upload size is refused
before the body is read, and `targets parse-value` answers valid JSON or a sentence with exit 2.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tests.signin import page_client
from tracker.cli import app
from tracker.config import get_settings
from tracker.main import create_app

runner = CliRunner()


@pytest.fixture
def small_limit(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("TRACKER_UPLOAD_MAX_BYTES", "2000")
    get_settings.cache_clear()
    return committed_db


def test_the_upload_page_refuses_a_file_over_the_limit_before_reading_it(small_limit: Engine) -> None:
    client = page_client("big", "admin")
    data = {"csrf_token": client.csrf, "mode": "check"}  # type: ignore[attr-defined]
    response = client.post("/upload", data=data, files={"file": ("big.csv", b"x" * 5000, "text/csv")})
    assert response.status_code == 422 and "文件大小超过上限 0.0 MB" in response.text


def test_a_body_declared_larger_than_the_limit_is_413_json_unread(small_limit: Engine) -> None:
    client = TestClient(create_app())
    huge = str(300 * 1024 * 1024)
    response = client.post("/api/v1/actuals/uploads", content=b"", headers={"content-length": huge})
    assert response.status_code == 413
    assert response.json() == {"error": "TooLarge", "detail": "文件大小超过上限 0.0 MB"}


@pytest.mark.parametrize("digits", [400, 5000])
def test_parse_value_of_a_huge_number_exits_2_with_a_sentence(digits: int) -> None:
    result = runner.invoke(app, ["targets", "parse-value", "≥" + "9" * digits + "人"])
    assert result.exit_code == 2
    assert "超出上限（整数部分最多12位）" in "".join(result.output.split())  # the terminal may wrap it
    assert "Traceback" not in result.output


def test_parse_value_within_the_limits_is_valid_json() -> None:
    result = runner.invoke(app, ["targets", "parse-value", "≥999999999999.5人"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["value"] == 999999999999.5
