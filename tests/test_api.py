"""The HTTP skeleton: health, read-only projects, JSON errors, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.signin import api_client, load_changli
from tracker.main import create_app


def loaded_client() -> TestClient:
    load_changli()
    return api_client()


def test_health() -> None:
    assert TestClient(create_app()).get("/health").json() == {"status": "ok"}


def test_projects_list_pages_and_counts(committed_db: Engine) -> None:
    client = loaded_client()
    page = client.get("/api/v1/projects", params={"year": 2024, "limit": 10, "offset": 40}).json()
    assert page["total"] == 44
    assert len(page["items"]) == 4
    assert page["items"][-1]["incomplete"] is True


def test_project_by_id_is_the_show_object_plus_id(committed_db: Engine) -> None:
    client = loaded_client()
    first = client.get("/api/v1/projects", params={"limit": 1}).json()["items"][0]
    one = client.get(f"/api/v1/projects/{first['id']}").json()
    assert one == first
    assert one["indicators"][0]["target_text"] == "≥2500人"


def test_errors_are_json_with_a_4xx_status(committed_db: Engine) -> None:
    client = api_client()
    missing = client.get("/api/v1/projects/999999")
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"
    bad = client.get("/api/v1/projects", params={"limit": 5000})
    assert bad.status_code == 422 and set(bad.json()) == {"error", "detail"}
    assert client.get("/api/v1/nowhere").json()["error"] == "NotFound"


def test_openapi_is_served_and_the_docs_page_needs_no_internet() -> None:
    client = TestClient(create_app())
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    js = client.get("/docs-assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and '"5.' in js.text  # Swagger UI 5 renders OpenAPI 3.1
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    assert "/api/v1/projects" in client.get("/openapi.json").json()["paths"]
