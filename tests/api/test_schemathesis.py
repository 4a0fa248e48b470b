"""schemathesis against the app's own OpenAPI document, signed in as each role, on SQLite and PostgreSQL.

Every operation gets generated requests (valid and not) with a real bearer token of an admin, a unit
user of 314001 and a viewer, on the 昌黎县 2024 targets. Every check schemathesis has must pass: no 5xx,
every status code, header, content type and body as the document says, and invalid input refused. The run is bounded
(`SCHEMATHESIS_EXAMPLES` per operation, role and database; the `long` fuzz profile for more).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.signin import PASSWORD, add_user, load_changli
from tracker.config import get_settings
from tracker.db import get_engine
from tracker.main import create_app

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
ROLES = {"admin": ("admin", ()), "unit": ("department", ("314001",)), "viewer": ("viewer", ())}


@pytest.fixture(scope="module", params=["sqlite", "pg"])
def signed_in(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The loaded targets in a database of each kind, and a bearer token per role."""
    engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")
    from tests.conftest import _empty

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRACKER_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        mp.setenv("TRACKER_VAR_DIR", str(tmp_path_factory.mktemp("var")))
        get_settings.cache_clear()
        get_engine.cache_clear()
        _empty(engine)
        load_changli()
        client = TestClient(create_app())
        tokens = {}
        for name, (role, units) in ROLES.items():
            add_user(f"st-{name}", role, units)
            answer = client.post("/api/v1/auth/token", data={"username": f"st-{name}", "password": PASSWORD})
            tokens[name] = answer.json()["access_token"]
        try:
            yield tokens
        finally:
            get_engine().dispose()
            get_settings.cache_clear()
            get_engine.cache_clear()
            _empty(engine)


# Left out, on purpose: "a schema-valid request is accepted". Rules the schema cannot say (a return needs a
# comment, the audit needs one of project, batch or submission) are the domain's, answered 422 with a message.
DOMAIN_RULES = positive_data_acceptance
# The admin gets every phase, the coverage phase included (each boundary value of every parameter: the
# 2**63 ids, the empty strings); the other roles get the generated requests only, to keep the run short.
full = schemathesis.openapi.from_asgi("/openapi.json", create_app())  # the document needs no database
quick = schemathesis.openapi.from_asgi("/openapi.json", create_app())
quick.config.phases.update(phases=["examples", "fuzzing"])
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def call(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=[DOMAIN_RULES])


@full.parametrize()
@BOUNDED
def test_every_operation_keeps_to_its_document_for_the_bureau(case: Any, signed_in: dict[str, str]) -> None:
    call(case, signed_in["admin"])


@pytest.mark.parametrize("role", ["unit", "viewer"])
@quick.parametrize()
@BOUNDED
def test_every_operation_keeps_to_its_document_for_a_unit_and_a_viewer(
    case: Any, role: str, signed_in: dict[str, str]
) -> None:
    call(case, signed_in[role])
