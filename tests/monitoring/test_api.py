"""Variance, history, alerts and job-run routes: JSON shapes, paging, and a unit seeing only its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from jobs.runner import run_job
from tests.support import LOW_INCOME, SCHOOLS, lagging_first_quarter, project
from tracker.alerts.contacts import set_contacts
from tracker.db import session_scope
from tracker.deps import Principal, current_principal
from tracker.main import create_app
from tracker.scope import Scope


@pytest.fixture
def loaded(committed_db: Engine) -> Engine:
    with session_scope() as session:
        lagging_first_quarter(session)
        set_contacts(session=session, dept_code="314001", emails=["mz@example.cn"])
        set_contacts(session=session, dept_code="360001", emails=["jy@example.cn"])
        set_contacts(session=session, dept_code=None, emails=["cz@example.cn"])
    run_job("variance", as_of=date(2024, 3, 31))
    run_job("alerts", as_of=date(2024, 4, 1))  # no mail host: everything stays queued
    return committed_db


@pytest.fixture
def admin() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def unit() -> Iterator[TestClient]:
    """A department user of 314001 only."""
    app = create_app()
    app.dependency_overrides[current_principal] = lambda: Principal("mz", "department", Scope(frozenset({"314001"})))
    yield TestClient(app)


def pid(engine: Engine, key: tuple[str, str]) -> int:
    with Session(engine) as s:
        return project(s, key).id or 0


def test_project_variance_answers_the_interface_fields_with_indicators(loaded: Engine, admin: TestClient) -> None:
    body = admin.get(f"/api/v1/projects/{pid(loaded, LOW_INCOME)}/variance", params={"as_of": "2024-03-31"}).json()
    assert (body["planned_wan"], body["actual_wan"], body["ratio"], body["light"]) == (
        "350.00",
        "100.00",
        0.2857,
        "red",
    )
    assert len(body["indicators"]) == 9 and body["indicators"][0]["target_text"] == "≥5000人"
    assert admin.get("/api/v1/projects/999999/variance").status_code == 404
    assert admin.get(f"/api/v1/projects/{pid(loaded, LOW_INCOME)}/variance", params={"as_of": "x"}).status_code == 422


def test_variance_list_and_history_page(loaded: Engine, admin: TestClient) -> None:
    page = admin.get("/api/v1/variance", params={"as_of": "2024-03-31", "limit": 10, "offset": 40}).json()
    assert page["total"] == 44 and len(page["items"]) == 4
    history = admin.get(f"/api/v1/projects/{pid(loaded, LOW_INCOME)}/variance/history").json()
    assert history["total"] == 1 and history["items"][0]["as_of"] == "2024-03-31"
    assert history["items"][0]["light"] == "red"


def test_alerts_list_delivery_state_and_the_projects_they_name(loaded: Engine, admin: TestClient) -> None:
    page = admin.get("/api/v1/alerts").json()
    assert page["total"] == 3
    assert {(a["recipient"], a["state"], a["attempts"]) for a in page["items"]} == {
        ("mz@example.cn", "queued", 0), ("jy@example.cn", "queued", 0), ("cz@example.cn", "queued", 0),
    }  # fmt: skip
    cz = next(a for a in page["items"] if a["recipient"] == "cz@example.cn")
    assert {p["rule"] for p in cz["projects"]} == {"escalation"} and len(cz["projects"]) == 2
    assert admin.get("/api/v1/alerts", params={"state": "sent"}).json()["total"] == 0
    assert admin.get("/api/v1/alerts", params={"limit": 1}).json()["items"].__len__() == 1
    assert admin.get("/api/v1/alerts", params={"state": "lost"}).status_code == 422


def test_a_department_user_sees_only_its_units_variance_and_alerts(loaded: Engine, unit: TestClient) -> None:
    assert unit.get(f"/api/v1/projects/{pid(loaded, LOW_INCOME)}/variance").status_code == 200
    assert unit.get(f"/api/v1/projects/{pid(loaded, SCHOOLS)}/variance").status_code == 404
    assert unit.get(f"/api/v1/projects/{pid(loaded, SCHOOLS)}/variance/history").status_code == 404
    assert unit.get("/api/v1/variance", params={"as_of": "2024-03-31"}).json()["total"] == 9
    alerts = unit.get("/api/v1/alerts").json()
    assert alerts["total"] == 1 and alerts["items"][0]["dept_code"] == "314001"  # not the bureau's escalation
    assert unit.get("/api/v1/jobs/runs").status_code == 403


def test_job_runs_are_visible_newest_first(loaded: Engine, admin: TestClient) -> None:
    runs = admin.get("/api/v1/jobs/runs").json()
    assert runs["total"] == 2 and [r["name"] for r in runs["items"]] == ["alerts", "variance"]
    alerts = runs["items"][0]
    assert alerts["outcome"] == "warning" and alerts["counts"]["queued"] == 3
    assert any("TRACKER_SMTP_HOST" in p for p in alerts["problems"])
    assert admin.get("/api/v1/jobs/runs", params={"name": "variance"}).json()["total"] == 1
