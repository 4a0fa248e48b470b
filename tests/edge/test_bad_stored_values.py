"""One bad stored value cannot break a county: a spending-plan checkpoint that the readers cannot use
(NaN, beyond 100%, stored before the import refused such cells) is left out of that project's plan,
and every page and API answer that reads the plans still answers 200.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.signin import load_changli, page_client, project_id


def spoil_plan(engine: Engine, heading_no: int, value: str) -> None:
    """Write a checkpoint value straight into the table, as an older import could have."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE plan_checkpoint SET cumulative_pct = " + value + " WHERE project_id = "
                "(SELECT id FROM project WHERE heading_no = :no) AND month = 6"
            ),
            {"no": heading_no},
        )


@pytest.mark.parametrize("value", ["'NaN'", "5000"], ids=["nan", "5000-percent"])
def test_a_bad_stored_checkpoint_does_not_break_the_county(committed_db: Engine, value: str) -> None:
    if value == "'NaN'" and committed_db.dialect.name == "sqlite":
        pytest.skip("SQLite stores NaN as NULL, which the NOT NULL column refuses: it cannot be stored there")
    load_changli()
    spoil_plan(committed_db, 1, value)
    client = page_client()
    pid = project_id(1)
    for path in ("/", f"/projects/{pid}", "/review", "/exports"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    api = client.get("/api/v1/variance?year=2024&as_of=2024-07-01")
    assert api.status_code == 200, api.text[:300]
    one = client.get(f"/api/v1/projects/{pid}/variance?as_of=2024-07-01")
    assert one.status_code == 200, one.text[:300]
    plan = client.get(f"/api/v1/projects/{pid}").json()["plan"]
    assert [c["month"] for c in plan] == [3, 10, 12]  # the spoilt June checkpoint is left out
