"""schemathesis against the app's own OpenAPI document, signed in as each role, on SQLite and PostgreSQL.

Every generated request (valid and invalid) must get an answer the document describes: never a 5xx,
a documented status, and a body matching its schema (errors are `{"error", "detail"}`). The run is
bounded (a few examples per operation and role) so that `make test` stays fast; `HYPOTHESIS_PROFILE=long`
raises the count for a soak.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.engine import Engine

from tests.conftest import BACKENDS, app_database
from tests.signin import PASSWORD, add_user, load_changli
from tracker.main import create_app

pytestmark = pytest.mark.fuzz

ROLES = ("anonymous", "admin", "department", "viewer")
EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 4
# Every check but one: a document cannot state every business rule (an empty file, a comment required
# when returning a submission, a year the install has no projects in), and such a schema-valid request
# is rightly refused with a 422 of the documented body; that body is still checked against the document.
EXCLUDED: list[CheckFunction] = [positive_data_acceptance]
CASES: Counter[str] = Counter()  # requests sent per database and role, printed at the end of the run
# Two runs of the same document: random requests (hypothesis) for every role, and the boundary values of
# every parameter (schemathesis' coverage phase: empty, huge, negative, wrong-typed) for the admin, who
# reaches furthest into the app, on SQLite (on both with HYPOTHESIS_PROFILE=long).
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
schema.config.phases.coverage.enabled = False
boundaries = schemathesis.openapi.from_asgi("/openapi.json", create_app())
boundaries.config.phases.examples.enabled = False
boundaries.config.phases.fuzzing.enabled = False


@pytest.fixture(scope="module", params=BACKENDS)
def signed_in(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, str]]]:
    """The 昌黎县 2024 targets in a database of each kind; a bearer header per role (none for anonymous)."""
    engine: Engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")
    with app_database(engine, tmp_path_factory.mktemp("var")):
        load_changli()
        add_user("st-admin", "admin")
        add_user("st-department", "department", ("314001",))
        add_user("st-viewer", "viewer")
        client = TestClient(schema.app)
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role in ROLES[1:]:
            form = {"username": f"st-{role}", "password": PASSWORD}
            token = client.post("/api/v1/auth/token", data=form).json()["access_token"]
            headers[role] = {"Authorization": f"Bearer {token}"}
        try:
            yield headers
        finally:
            mine = {key.split("-", 1)[1]: n for key, n in CASES.items() if key.startswith(f"{request.param}-")}
            print(f"\nschemathesis cases on {request.param}: {mine}", file=sys.stderr)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_for_every_role(
    case: Case[Any], role: str, signed_in: dict[str, dict[str, str]], request: pytest.FixtureRequest
) -> None:
    CASES[f"{request.node.callspec.params['signed_in']}-{role}"] += 1
    case.call_and_validate(headers=signed_in[role], excluded_checks=EXCLUDED)


@boundaries.parametrize()
@settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_boundary_values_as_documented(
    case: Case[Any], signed_in: dict[str, dict[str, str]], request: pytest.FixtureRequest
) -> None:
    database = request.node.callspec.params["signed_in"]
    if database != "sqlite" and EXAMPLES < 200:
        pytest.skip("boundary values are refused at the edge, before a database is asked: once per CI run is enough")
    CASES[f"{database}-admin (boundaries)"] += 1
    case.call_and_validate(headers=signed_in["admin"], excluded_checks=EXCLUDED)


def test_the_document_describes_one_error_body_the_one_the_handlers_send() -> None:
    document = schema.app.openapi()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    error = schemas["Error"]
    assert error["required"] == ["error", "detail"] and error["properties"]["detail"]["type"] == "string"
    assert error["properties"]["rows"]["items"]["required"] == ["row", "column", "message"]
    for path in document["paths"].values():
        for operation in path.values():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
