"""People by place (DOMAIN.md §1.1): a province-wide admin, a county admin, unit users; places set and audited."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.signin import PASSWORD, api_client, load_changli, load_funing
from tracker.cli import app
from tracker.models import AuditEntry, Project, User

CHANGLI, FUNING = "130322", "130306"
runner = CliRunner()


def test_a_county_admin_sees_and_adjusts_only_its_county(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    county = api_client("funing_admin", "admin", (), regions=(FUNING,))
    listed = county.get("/api/v1/projects", params={"year": 2024, "limit": 1000}).json()
    assert listed["total"] == 44 and {p["region_code"] for p in listed["items"]} == {FUNING}
    with Session(committed_db) as s:
        own = s.exec(select(Project.id).where(Project.region_code == FUNING)).first()
        other = s.exec(select(Project.id).where(Project.region_code == CHANGLI)).first()
    change = {"on": "2024-07-01", "amount_wan": "100", "reason": "追加", "doc": "抚财〔2024〕1号"}
    done = county.post(f"/api/v1/projects/{own}/budget/changes", json=change)
    assert done.status_code == 201 and done.json()["changes"][0]["by"] == "funing_admin"
    assert county.post(f"/api/v1/projects/{other}/budget/changes", json=change).status_code == 404
    assert county.get(f"/api/v1/projects/{other}/budget").status_code == 404
    assert county.get("/api/v1/users").status_code == 403  # people of every county: the province's job
    province = api_client()
    assert province.get("/api/v1/projects", params={"year": 2024}).json()["total"] == 88


def test_the_province_sets_a_persons_places_through_the_api_and_the_change_is_audited(committed_db: Engine) -> None:
    load_changli()
    load_funing()
    province = api_client()
    api_client("mover", "department", ("314001",), regions=(CHANGLI,))
    with Session(committed_db) as s:
        mover = s.exec(select(User.id).where(User.username == "mover")).one()
    moved = province.put(f"/api/v1/users/{mover}/places", json={"regions": [FUNING], "units": ["314001"]})
    assert moved.status_code == 200 and moved.json()["units"] == [{"region_code": FUNING, "dept_code": "314001"}]
    with Session(committed_db) as s:
        query = select(AuditEntry).where(AuditEntry.action == "user.places", AuditEntry.entity_id == mover)
        entries = s.exec(query.order_by(AuditEntry.id)).all()
    assert [e.new for e in entries][-1] == f"单位 {FUNING}/314001"
    assert entries[-1].old == f"单位 {CHANGLI}/314001" and entries[-1].actor == "admin"
    listed = {u["username"]: u for u in province.get("/api/v1/users").json()["items"]}
    assert listed["mover"]["units"] == [{"region_code": FUNING, "dept_code": "314001"}]


def test_users_add_needs_the_region_once_the_install_holds_two(committed_db: Engine) -> None:
    load_changli()
    args = ["users", "add", "mz", "--role", "department", "--dept", "314001", "--password-stdin"]
    assert runner.invoke(app, args, input=PASSWORD + "\n").exit_code == 0  # one county: the region is implied
    load_funing()
    again = ["users", "add", "mz2", "--role", "department", "--dept", "314001", "--password-stdin"]
    refused = runner.invoke(app, again, input=PASSWORD + "\n")
    assert refused.exit_code == 1 and "请同时指定地区" in refused.output
    placed = runner.invoke(app, [*again, "--region", FUNING], input=PASSWORD + "\n")
    assert placed.exit_code == 0 and f"地区 {FUNING}：314001" in placed.output
