"""A county finance bureau's admin acts on its own county only (DOMAIN.md §1.1, README 账号与权限).

The access matrix walks every route as a province-wide admin, unit A and a viewer; this adds the
county admin of another county, who holds the admin role and must still find 昌黎县's batch, quarter
and project missing (404), whether the id is in the path or in the body of an approval.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.signin import api_client, load_funing
from tests.web.test_access_matrix import CHANGLI, FUNING, build_world


def test_a_county_admin_finds_another_countys_quarter_batch_and_project_missing(committed_db: Engine) -> None:
    world = build_world(committed_db)  # unit B of 昌黎县: a project, an upload batch, a submitted quarter
    load_funing()
    funing = api_client("funing_admin", "admin", regions=(FUNING,))
    sub, reason = world.submission_b, {"reason": "试"}
    attempts = {
        "approve": funing.post("/api/v1/actuals/submissions/approve", json={"ids": [world.submission_b]}),
        "return": funing.post("/api/v1/actuals/submissions/return", json={"ids": [sub], "comment": "试"}),
        "unlock": funing.post(f"/api/v1/actuals/submissions/{sub}/unlock", json=reason),
        "withdraw": funing.post(f"/api/v1/actuals/uploads/{world.batch_b}/withdraw", json=reason),
        "batch": funing.get(f"/api/v1/actuals/uploads/{world.batch_b}"),
        "project": funing.get(f"/api/v1/projects/{world.project_b}"),
        "payments": funing.get("/api/v1/actuals/payments", params={"project_id": world.project_b}),
        "budget": funing.get(f"/api/v1/projects/{world.project_b}/budget"),
    }
    wrong = {name: (r.status_code, r.text[:120]) for name, r in attempts.items() if r.status_code != 404}
    assert not wrong, wrong
    listed = funing.get("/api/v1/actuals/submissions", params={"year": 2024}).json()
    assert world.submission_b not in {s["id"] for s in listed["items"]}
    # the same approval by 昌黎县's own county admin goes through: the 404 above is the county's doing
    changli = api_client("changli_admin", "admin", regions=(CHANGLI,))
    approved = changli.post("/api/v1/actuals/submissions/approve", json={"ids": [world.submission_b]})
    assert approved.status_code == 200, approved.text
