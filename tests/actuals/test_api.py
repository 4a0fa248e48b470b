"""The actuals API as clients call it: multipart upload, 201 or 422 with rows, template download, quarters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.actuals.helpers import DEPT, PAY_ZH, csv_bytes, pay
from tests.signin import api_client, switch_user
from tracker.db import session_scope
from tracker.targets.service import import_targets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(committed_db: Engine, changli_bytes: bytes) -> Iterator[TestClient]:
    with session_scope() as session:
        import_targets(session=session, data=changli_bytes, filename="changli.txt")
    yield api_client()


def as_user(client: TestClient, role: str, depts: set[str] | None) -> TestClient:
    """The same client signed in as a user of this role (and units)."""
    name = "admin" if role == "admin" else f"{role}-{'-'.join(sorted(depts or ())) or 'all'}"
    return switch_user(client, name, role, tuple(sorted(depts or ())))


def post(client: TestClient, data: bytes, name: str = "q1.csv", **form: str) -> dict:
    response = client.post("/api/v1/actuals/uploads", files={"file": (name, data, "text/csv")}, data=form)
    return {"http": response.status_code, **response.json()}


def test_accepted_upload_answers_201_with_a_summary_and_again_says_unchanged(app: TestClient) -> None:
    data = csv_bytes(PAY_ZH, [pay(), pay(day="2024-03-06")])
    first = post(app, data)
    assert (first["http"], first["status"], first["payments"], first["payments_wan"]) == (201, "applied", 2, "20.00")
    assert first["periods"] == [{"region_code": "130322", "dept_code": DEPT, "year": 2024, "quarter": 1}]
    again = post(app, data)
    assert (again["http"], again["status"]) == (201, "unchanged") and "未做任何修改" in again["message"]
    assert app.get("/api/v1/actuals/uploads").json()["total"] == 1


def test_rejected_upload_answers_422_with_every_bad_row(app: TestClient) -> None:
    body = post(app, csv_bytes(PAY_ZH, [pay(amount="0"), pay(dept="999999")]))
    assert body["http"] == 422 and set(body) == {"http", "error", "detail", "rows"}
    assert body["rows"] == [
        {"row": 2, "column": "金额（万元）", "message": "金额应大于0"},
        {"row": 3, "column": "单位编码", "message": "未知单位编码“999999”"},
    ]
    empty = post(app, b"")
    assert empty["http"] == 422 and empty["rows"][0]["message"] == "文件为空"


def test_dry_run_answers_the_summary_and_writes_nothing(app: TestClient) -> None:
    body = post(app, csv_bytes(PAY_ZH, [pay()]), dry_run="true")
    assert (body["http"], body["status"], body["dry_run"], body["batch_id"]) == (201, "dry_run", True, None)
    files = {"file": ("q1.csv", csv_bytes(PAY_ZH, [pay()]), "text/csv")}
    assert app.post("/api/v1/actuals/uploads?dry_run=true", files=files).json()["status"] == "dry_run"
    assert app.get("/api/v1/actuals/uploads").json()["total"] == 0


def test_routes_are_in_the_openapi_document(app: TestClient) -> None:
    paths = app.get("/openapi.json").json()["paths"]
    assert {"/api/v1/actuals/uploads", "/api/v1/actuals/template", "/api/v1/actuals/submissions/approve"} <= set(paths)


def test_template_downloads_as_a_workbook_and_only_for_the_callers_units(app: TestClient) -> None:
    got = app.get("/api/v1/actuals/template", params={"dept_code": DEPT, "year": 2024})
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert "filename*=UTF-8''314001-2024-" in got.headers["content-disposition"]
    as_user(app, "department", {"320001"})
    assert app.get("/api/v1/actuals/template", params={"dept_code": DEPT, "year": 2024}).status_code == 404


def test_department_and_viewer_rights(app: TestClient) -> None:
    as_user(app, "department", {DEPT})
    body = post(app, csv_bytes(PAY_ZH, [pay(dept="320001", code="13032224P000N2E10172Y")]))
    assert body["http"] == 422 and body["rows"][0]["message"] == "无权上报单位“320001”的数据"
    as_user(app, "viewer", None)
    assert post(app, csv_bytes(PAY_ZH, [pay()]))["http"] == 403


def test_quarter_flow_over_http(app: TestClient) -> None:
    as_user(app, "department", {DEPT})
    batch = post(app, csv_bytes(PAY_ZH, [pay()]))["batch_id"]
    sub = app.post("/api/v1/actuals/submissions", json={"dept_code": DEPT, "year": 2024, "quarter": 1})
    assert sub.status_code == 201 and sub.json()["status"] == "submitted"
    sid = sub.json()["id"]
    assert app.post("/api/v1/actuals/submissions/approve", json={"ids": [sid]}).status_code == 403
    as_user(app, "admin", None)
    approved = app.post("/api/v1/actuals/submissions/approve", json={"ids": [sid], "comment": "同意"})
    assert approved.status_code == 200 and approved.json()[0]["locked"] is True
    late = post(app, csv_bytes(PAY_ZH, [pay(day="2024-01-02")]), "late.csv")
    assert late["http"] == 422 and "审核锁定" in late["rows"][0]["message"]
    refused = app.post(f"/api/v1/actuals/uploads/{batch}/withdraw", json={"reason": "x"})
    assert refused.status_code == 409 and refused.json()["error"] == "Conflict"
    unlocked = app.post(f"/api/v1/actuals/submissions/{sid}/unlock", json={"reason": "更正"})
    assert unlocked.json()["status"] == "unlocked"
    withdrawn = app.post(f"/api/v1/actuals/uploads/{batch}/withdraw", json={"reason": "更正"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    page = app.get("/api/v1/actuals/submissions", params={"year": 2024}).json()
    assert page["total"] == 1 and page["items"][0]["paid_wan"] == "0.00"


def test_audit_and_payments_of_a_project(app: TestClient) -> None:
    post(app, csv_bytes(PAY_ZH, [pay(amount="3"), pay(amount="4", day="2024-02-01")]))
    project = app.get("/api/v1/projects", params={"limit": 1}).json()["items"][0]["id"]
    payments = app.get("/api/v1/actuals/payments", params={"project_id": project}).json()
    assert [(p["paid_on"], p["amount_wan"]) for p in payments["items"]] == [
        ("2024-02-01", "4.00"),
        ("2024-03-05", "3.00"),
    ]
    audit = app.get("/api/v1/actuals/audit", params={"project_id": project}).json()
    assert [(e["actor"], e["old"], e["new"]) for e in audit["items"]] == [("admin", "0.00", "7.00")]
    assert app.get("/api/v1/actuals/audit", params={"project_id": 999999}).status_code == 404
