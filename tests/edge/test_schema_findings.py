"""What schemathesis found against the OpenAPI document (tests/fuzz/test_api_schema.py), each pinned here:
ids beyond what the database holds in paths and JSON bodies, `true` or `0` read as a number or a date,
and timestamps read back from SQLite without their zone (not the RFC 3339 date-time the document states).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.signin import api_client, load_changli, project_id

BEYOND = str(-(2**63) - 1)  # overflowed SQLite's 64-bit integer in the query (a 500)


@pytest.fixture
def admin(committed_db: Engine) -> TestClient:
    load_changli()
    return api_client("schema-admin")


def _refused(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "detail"} and isinstance(body["detail"], str) and body["detail"]


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/exports/monitoring/projects/{BEYOND}", f"/api/v1/projects/{BEYOND}", "/api/v1/projects/-1"],
)
def test_a_negative_or_huge_id_in_the_path_is_not_found(admin: TestClient, path: str) -> None:
    _refused(admin.get(path), 404)


@pytest.mark.parametrize("params", [{"offset": BEYOND}, {"project_id": BEYOND}])
def test_a_query_number_far_below_zero_is_refused(admin: TestClient, params: dict[str, str]) -> None:
    _refused(admin.get("/api/v1/actuals/audit", params=params), 422)


@pytest.mark.parametrize("ids", [[2**63], [2**31], [True], [0]])
def test_submission_ids_beyond_a_row_id_or_not_integers_are_refused(admin: TestClient, ids: list[object]) -> None:
    _refused(admin.post("/api/v1/actuals/submissions/approve", json={"ids": ids}), 422)


@pytest.mark.parametrize(
    "change",
    [{"project_id": True}, {"withhold": "yes"}, {"withhold": 1}, {"due_on": 0}, {"due_on": True}, {"year": 1}],
)
def test_a_correction_notice_takes_json_integers_booleans_and_iso_dates_only(
    admin: TestClient, change: dict[str, object]
) -> None:
    body = {"project_id": project_id(1), "problem": "支出进度滞后", "due_on": "2024-06-30", **change}
    if "year" in change:  # an unknown field is ignored: the notice goes through (the control case)
        assert admin.post("/api/v1/corrections", json=body).status_code == 201
    else:
        _refused(admin.post("/api/v1/corrections", json=body), 422)


def test_a_submission_year_outside_the_stored_years_is_refused(admin: TestClient) -> None:
    for year in (10**30, 1999, True):
        body = {"dept_code": "314001", "year": year, "quarter": 1}
        _refused(admin.post("/api/v1/actuals/submissions", json=body), 422)


def test_timestamps_carry_their_zone_on_every_database(admin: TestClient) -> None:
    body = {"project_id": project_id(1), "problem": "支出进度滞后", "due_on": "2024-06-30"}
    notice = admin.post("/api/v1/corrections", json=body).json()
    again = admin.get(f"/api/v1/corrections/{notice['id']}").json()  # read back from the database
    assert re.search(r"(Z|[+-]\d{2}:\d{2})$", again["issued_at"]), again["issued_at"]
