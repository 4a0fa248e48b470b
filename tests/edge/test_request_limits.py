"""Ids, years, dates and offsets beyond what is stored are a 404 or a 422 with a message on the API and
the pages, never a 500; and every 422 body has the shape the OpenAPI document gives it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.signin import load_changli, page_client
from tracker.main import create_app

HUGE = "99999999999999999999"


@pytest.fixture
def admin(committed_db: Engine) -> TestClient:
    load_changli()
    return page_client("edge", "admin")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/api/v1/projects/{HUGE}", 404),
        ("/api/v1/projects/2147483648", 404),
        (f"/api/v1/projects/{HUGE}/variance", 404),
        (f"/api/v1/actuals/uploads/{HUGE}", 404),
        ("/api/v1/projects?year=0", 422),
        ("/api/v1/projects?year=99999999999999999999", 422),
        (f"/api/v1/projects?offset={HUGE}", 422),
        (f"/api/v1/actuals/payments?project_id={HUGE}", 422),
        ("/api/v1/variance?year=2024&as_of=0001-01-01", 422),
        ("/api/v1/variance?year=2024&as_of=99999-01-01", 422),
        (f"/projects/{HUGE}", 404),
        ("/?year=0", 422),
        ("/?year=-1", 422),
        ("/exports?year=0", 422),
        ("/review?year=99999", 422),
        (f"/alerts?page={HUGE}", 422),
        ("/?as_of=0001-01-01", 422),
    ],
)
def test_out_of_range_request_values_are_refused_with_a_message(admin: TestClient, path: str, status: int) -> None:
    response = admin.get(path)
    assert response.status_code == status, response.text[:300]
    if path.startswith("/api/"):
        body = response.json()
        assert set(body) == {"error", "detail"} and isinstance(body["detail"], str) and body["detail"]


def test_the_documented_422_body_is_the_one_sent(committed_db: Engine) -> None:
    client = TestClient(create_app())
    schema = client.get("/openapi.json").json()
    token_422 = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]["422"]["content"]["application/json"]
    name = token_422["schema"]["$ref"].rsplit("/", 1)[1]
    documented = schema["components"]["schemas"][name]
    assert documented["properties"]["detail"]["type"] == "string"
    assert documented["required"] == ["error", "detail"]
    body = client.post("/api/v1/auth/token", data={}).json()  # missing form fields: a validation error
    assert set(body) == {"error", "detail"} and isinstance(body["detail"], str)
