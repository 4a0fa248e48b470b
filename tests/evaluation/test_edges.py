"""The export commands and routes as operators and other systems call them (INTERFACE.md)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tests.signin import api_client
from tracker.cli import app
from tracker.db import session_scope
from tracker.targets.service import import_targets

DATA = Path(__file__).resolve().parents[2] / "data" / "changli-2024-targets.txt"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
runner = CliRunner()


def imported() -> None:
    with session_scope() as session:
        import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name)


@pytest.fixture
def client(committed_db: Engine) -> Iterator[TestClient]:
    imported()
    yield api_client()


def as_unit(client: TestClient, code: str) -> TestClient:
    """A client signed in as a department user of one unit."""
    return api_client(f"unit{code}", "department", (code,))


def test_cli_self_evaluation_writes_a_workbook_per_project_per_unit_and_the_summary(
    committed_db: Engine, tmp_path: Path
) -> None:
    imported()
    result = runner.invoke(app, ["export", "self-evaluation", "--year", "2024", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "已导出 2024年 44 个项目的自评表、13 个单位汇总和 summary.xlsx" in result.stdout
    top = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert len(top) == 45 and "summary.xlsx" in top
    assert len(list((tmp_path / "out" / "units").glob("*.xlsx"))) == 13
    one = runner.invoke(
        app, ["export", "self-evaluation", "--year", "2024", "--out", str(tmp_path / "d"), "--dept", "360004"]
    )
    assert one.exit_code == 0 and len(list((tmp_path / "d").glob("*.xlsx"))) == 3


def test_cli_monitoring_writes_the_tables_through_the_month(committed_db: Engine, tmp_path: Path) -> None:
    imported()
    args = ["export", "monitoring", "--year", "2024", "--through-month", "7", "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.xlsx"))) == 45 and (tmp_path / "overview.xlsx").exists()
    ws = load_workbook(tmp_path / "overview.xlsx").worksheets[0]
    assert ws["A1"].value == "2024年1—7月项目支出绩效运行监控汇总表"


def test_cli_export_of_a_year_without_projects_fails_with_a_message(committed_db: Engine, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "self-evaluation", "--year", "2023", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "2023年没有可导出的项目" in result.output


def test_api_self_evaluation_is_the_summary_xlsx(client: TestClient) -> None:
    response = client.get("/api/v1/exports/self-evaluation", params={"year": 2024})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''2024" in response.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws["A47"].value == "合计（44个项目）"


def test_api_self_evaluation_bundle_zips_every_workbook(client: TestClient) -> None:
    response = client.get("/api/v1/exports/self-evaluation", params={"year": 2024, "bundle": "zip"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert int(response.headers["content-length"]) == len(response.content)  # streamed from the finished file
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 44 + 13 + 1 and "summary.xlsx" in names
    assert sum(1 for n in names if n.startswith("units/")) == 13


def test_api_per_project_downloads(client: TestClient) -> None:
    first = client.get("/api/v1/projects", params={"limit": 1}).json()["items"][0]
    own = client.get(f"/api/v1/exports/self-evaluation/projects/{first['id']}")
    assert own.status_code == 200 and own.headers["content-type"] == XLSX
    assert load_workbook(io.BytesIO(own.content)).worksheets[0]["B3"].value == first["name"]
    mon = client.get(f"/api/v1/exports/monitoring/projects/{first['id']}", params={"through_month": 6})
    assert mon.status_code == 200
    assert load_workbook(io.BytesIO(mon.content)).worksheets[0]["A1"].value.endswith("（2024年1—6月）")


def test_api_monitoring_is_a_zip(client: TestClient) -> None:
    response = client.get("/api/v1/exports/monitoring", params={"year": 2024, "through_month": 6})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "overview.xlsx" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    bad = client.get("/api/v1/exports/monitoring", params={"year": 2024, "through_month": 13})
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidInput"


def test_api_errors_are_json_4xx(client: TestClient) -> None:
    missing = client.get("/api/v1/exports/self-evaluation", params={"year": 2023})
    assert missing.status_code == 404 and missing.json() == {"error": "NotFound", "detail": "2023年没有可导出的项目"}
    assert client.get("/api/v1/exports/self-evaluation/projects/999999").status_code == 404
    assert client.get("/api/v1/exports/self-evaluation").json()["error"] == "InvalidInput"


def test_api_review_lists_findings_in_pages(client: TestClient) -> None:
    page = client.get("/api/v1/review", params={"year": 2024, "limit": 5}).json()
    assert len(page["items"]) == 5 and page["total"] > 40
    errors = client.get("/api/v1/review", params={"year": 2024, "severity": "error"}).json()
    assert errors["items"] and {f["severity"] for f in errors["items"]} == {"error"}


def test_a_department_user_gets_only_its_units_projects(client: TestClient) -> None:
    others = client.get("/api/v1/projects", params={"dept_code": "314001", "limit": 1}).json()["items"][0]
    unit = as_unit(client, "360004")
    summary = unit.get("/api/v1/exports/self-evaluation", params={"year": 2024})
    ws = load_workbook(io.BytesIO(summary.content)).worksheets[0]
    assert [ws["B3"].value, ws["B4"].value, ws["A5"].value] == ["360004", "360004", "合计（2个项目）"]
    assert unit.get(f"/api/v1/exports/self-evaluation/projects/{others['id']}").status_code == 404
    assert unit.get(f"/api/v1/exports/monitoring/projects/{others['id']}").status_code == 404
    findings = unit.get("/api/v1/review", params={"year": 2024}).json()["items"]
    assert findings and {f["project"]["dept_code"] for f in findings} == {"360004"}
    bundle = unit.get("/api/v1/exports/monitoring", params={"year": 2024})
    assert len(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()) == 2 + 1 + 1
