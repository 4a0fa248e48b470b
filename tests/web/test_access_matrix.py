"""Every route × every role: sign-in is required, viewers cannot write, and no unit sees another's data.

The routes come from `app.routes`, so a new route is covered the day it is added. A route whose path
has a parameter needs a sample value of unit B in SAMPLES (the test says so when one is missing);
a GET that needs more than `year` needs its query in QUERIES.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay
from tests.signin import DATA, PASSWORD, add_user, csrf_of, load_changli, load_funing
from tracker.actuals.approvals import submit_quarter
from tracker.actuals.service import upload
from tracker.auth.principal import Principal
from tracker.corrections.service import issue_notice
from tracker.db import session_scope
from tracker.main import create_app
from tracker.models import AlertMessage, Dept, Project, User
from tracker.rules import load_rules
from tracker.scope import Scope

UNIT_A, UNIT_B = "314001", "320001"
CHANGLI, FUNING = "130322", "130306"
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/health"),
    ("GET", "/ready"),  # for the orchestrator: says only whether the database is there and current
    ("GET", "/docs"),  # the API's description, no data (as /openapi.json)
    ("GET", "/docs/oauth2-redirect"),
}
ROLES = ("anonymous", "admin", "dept_a", "viewer")
LAST = {("POST", "/logout")}
# A reader may still change their own password: that writes no data of any unit.
OWN_ACCOUNT = {("POST", "/account/password")}  # ends the session the other checks use: walked after every other route
# Routes that take a file: walked with a real one (昌黎县's targets, unit B's region), which only an admin
# of that region may import; anyone else gets 403 for the file itself, not a 422 for a missing field.
FILES = {
    "/api/v1/targets/imports": lambda: {"file": ("changli.txt", DATA.read_bytes())},
    "/targets/import": lambda: {"file": ("changli.txt", DATA.read_bytes())},
}


@dataclass(frozen=True, slots=True)
class World:
    project_b: int
    user_b: int
    batch_b: int
    submission_b: int
    message_b: int
    notice_b: int
    markers: tuple[str, ...]  # text that only unit B's data contains
    unit_b: str = UNIT_B

    def params(self) -> dict[str, object]:
        return {"project_b": self.project_b, "unit_b": self.unit_b}


# path parameter -> a value belonging to unit B
SAMPLES: dict[str, Callable[[World], object]] = {
    "project_id": lambda w: w.project_b,
    "user_id": lambda w: w.user_b,
    "dept_code": lambda w: w.unit_b,
    "batch_id": lambda w: w.batch_b,
    "submission_id": lambda w: w.submission_b,
    "seq": lambda w: 1,
    "message_id": lambda w: w.message_b,
    "notice_id": lambda w: w.notice_b,
}
# GET routes that need more query parameters than year=2024 (unit B's, so that unit A must not see them)
QUERIES: dict[str, dict[str, str]] = {
    "/api/v1/actuals/template": {"dept_code": "{unit_b}", "region_code": CHANGLI},
    "/api/v1/actuals/payments": {"project_id": "{project_b}"},
    "/corrections/new": {"project_id": "{project_b}"},
    "/api/v1/reports/ranking": {"as_of": "2024-06-30"},
    "/api/v1/reports/ranking.xlsx": {"as_of": "2024-06-30"},
}


def build_world(engine: Engine, unit_b: str = UNIT_B) -> World:
    """Unit B of 昌黎县 with a project, a batch, a submission and a message: what nobody else may see."""
    load_changli()
    add_user("unit_b_user", "department", (unit_b,), regions=(CHANGLI,))
    with Session(engine) as s:
        user_b = s.exec(select(User.id).where(User.username == "unit_b_user")).one()
        mine = (Project.region_code == CHANGLI) & (Project.dept_code == unit_b)
        b = s.exec(select(Project).where(mine).order_by(col(Project.id))).all()
        a_codes = set(s.exec(select(Project.code).where(~mine)))
        name_b = s.exec(select(Dept.name).where(Dept.region_code == CHANGLI, Dept.code == unit_b)).one()
    assert b[0].id is not None and user_b is not None
    codes = tuple(p.code for p in b if p.code not in a_codes)
    batch_b, submission_b = unit_b_actuals(codes[0], unit_b)
    return World(
        project_b=b[0].id,
        user_b=user_b,
        batch_b=batch_b,
        submission_b=submission_b,
        message_b=unit_b_message(name_b, unit_b),
        notice_b=unit_b_notice(b[0].id),
        markers=(name_b, *codes),
        unit_b=unit_b,
    )


def unit_b_notice(project_id: int) -> int:
    """A correction notice on unit B's project (what the correction routes aim at)."""
    admin = Principal(username="boss", role="admin", scope=Scope.everything())
    with session_scope() as session:
        n = issue_notice(
            rules=load_rules(),
            session=session,
            principal=admin,
            project_id=project_id,
            problem="B的问题",
            due_on=date(2024, 7, 1),
        )
        assert n.id is not None
        return n.id


def unit_b_message(name_b: str, unit_b: str = UNIT_B) -> int:
    """A failed alert to unit B (what the resend routes aim at)."""
    with session_scope() as session:
        m = AlertMessage(
            channel="mail",
            recipient="b@example.cn",
            audience="unit",
            region_code=CHANGLI,
            dept_code=unit_b,
            kind="digest",
            subject=f"【预算执行预警】{name_b}",
            state="failed",
            last_error="550 no such user",
        )
        session.add(m)
        session.flush()
        assert m.id is not None
        return m.id


def unit_b_actuals(code: str, unit_b: str = UNIT_B) -> tuple[int, int]:
    """Unit B uploads a payment and submits its first quarter (the batch and the submission to aim at)."""
    with session_scope() as session:
        principal = Principal(username="unit_b_user", role="department", scope=Scope.of_units({(CHANGLI, unit_b)}))
        data = csv_bytes(PAY_ZH, [pay(dept=unit_b, code=code, day="2024-02-01", amount="5")])
        summary = upload(rules=load_rules(), session=session, source=data, filename="b.csv", principal=principal)
        sub = submit_quarter(
            session=session, principal=principal, dept_code=unit_b, region_code=CHANGLI, year=2024, quarter=1
        )
    assert summary.batch_id is not None
    return summary.batch_id, sub.id


def clients(region_a: str = CHANGLI) -> dict[str, tuple[TestClient, TestClient, str]]:
    """Per role: (API client with a bearer token, page client with the cookie, the page CSRF token)."""
    users = {"admin": ("admin", ()), "dept_a": ("department", (UNIT_A,)), "viewer": ("viewer", ())}
    out = {}
    anon = TestClient(create_app(), follow_redirects=False, raise_server_exceptions=False)
    out["anonymous"] = (anon, anon, "")
    for name, (role, units) in users.items():
        add_user(name, role, units, regions=(region_a,) if units else ())
        api = TestClient(create_app(), follow_redirects=False, raise_server_exceptions=False)
        token = api.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD}).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        page = TestClient(create_app(), follow_redirects=False, raise_server_exceptions=False)
        login_csrf = csrf_of(page.get("/login").text)
        page.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": login_csrf})
        out[name] = (api, page, csrf_of(page.get("/").text))
    return out


def texts(response: Response) -> list[str]:
    """The body as text, and every member's text when it is a zip (xlsx, a zip of exports)."""
    body = response.content
    found = [body.decode("utf-8", "ignore"), body.decode("gb18030", "ignore")]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            found += [zf.read(n).decode("utf-8", "ignore") for n in zf.namelist()]
    return found


def leaked(response: Response, world: World) -> list[str]:
    bodies = texts(response)
    return [m for m in world.markers if any(m in t for t in bodies)]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    params: tuple[str, ...]


def routes() -> list[Endpoint]:
    """Every API and page route of the app with its full path (routers included under prefixes too)."""
    app = create_app()
    try:  # FastAPI ≥ 0.16x keeps included routers as branches; flatten them
        from fastapi.routing import iter_route_contexts

        found = [(c.original_route, c.path, c.methods) for c in iter_route_contexts(app.routes)]
    except ImportError:  # older FastAPI lists every route flat
        found = [(r, getattr(r, "path", ""), getattr(r, "methods", None)) for r in app.routes]
    out = {
        Endpoint(m, path, tuple(re.findall(r"{(\w+)(?::\w+)?}", path)))
        for route, path, methods in found
        if isinstance(route, APIRoute)
        for m in methods or ()
        if m != "HEAD"
    }
    return sorted(out, key=lambda e: ((e.method, e.path) in LAST, e.path, e.method))


def check_route(
    e: Endpoint, world: World, who: dict[str, tuple[TestClient, TestClient, str]], admin_saw: list[str]
) -> list[str]:
    problems: list[str] = []
    method, where = e.method, f"{e.method} {e.path}"
    try:
        path = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(SAMPLES[m.group(1)](world)), e.path)
    except KeyError as exc:
        return [f"{where}: no sample value for path parameter {exc}; add it to SAMPLES"]
    is_api = path.startswith("/api/")
    public = (method, e.path) in PUBLIC
    has_params = bool(e.params)
    query = {"year": "2024", **{k: v.format(**world.params()) for k, v in QUERIES.get(e.path, {}).items()}}
    for role in ROLES:
        api, page, csrf = who[role]
        client = api if is_api else page
        if method == "GET":
            attempts = [client.get(path, params=query)]
            if role == "dept_a":  # asking for unit B by name must not help either
                attempts.append(client.get(path, params={**query, "dept_code": UNIT_B, "unit": UNIT_B, "dept": UNIT_B}))
        else:
            data = {} if is_api else {"csrf_token": csrf}
            if e.path in FILES:
                data["dry_run"] = "true"
            attempts = [client.request(method, path, data=data, files=FILES[e.path]() if e.path in FILES else None)]
        for r in attempts:
            status = r.status_code
            if status >= 500:
                problems.append(f"{where} as {role}: {status}")
            if role == "anonymous" and not public:
                if is_api and status != 401:
                    problems.append(f"{where} anonymous: {status}, want 401")
                if not is_api and not (status == 303 and r.headers.get("location", "").startswith("/login")):
                    problems.append(f"{where} anonymous: {status}, want a redirect to /login")
            if role == "dept_a":
                if leaks := leaked(r, world):
                    problems.append(f"{where} as unit A shows unit B's data: {leaks} (status {status})")
                if has_params and not public and status not in ((403, 404) if method == "GET" else (403, 404, 422)):
                    problems.append(f"{where} as unit A on unit B's object: {status}, want 403/404")
            if role in ("dept_a", "viewer") and e.path in FILES and status != 403:
                problems.append(f"{where} as {role} with a target file: {status}, want 403")
            if role == "viewer" and method != "GET" and not public and (method, e.path) not in OWN_ACCOUNT:
                allowed = (403, 422) if is_api else (403,)
                if status not in allowed:
                    problems.append(f"{where} as viewer: {status}, want {allowed}")
            if role == "admin" and method == "GET" and leaked(r, world):
                admin_saw.append(where)
            if role == "admin" and method == "GET" and not public and status != 200:
                problems.append(f"{where} as admin: {status}, want 200 (is the sample real? {r.text[:200]})")
    return problems


def test_every_route_refuses_strangers_readers_writing_and_other_units(committed_db: Engine) -> None:
    world = build_world(committed_db)
    who = clients()
    problems: list[str] = []
    admin_saw: list[str] = []
    for endpoint in routes():
        problems += check_route(endpoint, world, who, admin_saw)
    assert not problems, "\n".join(problems)
    # unit B's markers do show where they should, so their absence for unit A means something
    for where in ["GET /", "GET /api/v1/projects/{project_id}", "GET /api/v1/actuals/template", "GET /exports"]:
        assert where in admin_saw, f"{where} never showed unit B's data to the admin: {admin_saw}"


def test_a_unit_of_another_county_with_the_same_unit_code_sees_and_changes_nothing(committed_db: Engine) -> None:
    """Unit A is 抚宁区's 314001, unit B 昌黎县's 314001: the same code, two places (DOMAIN.md §1.1)."""
    world = build_world(committed_db, unit_b=UNIT_A)
    load_funing()
    who = clients(region_a=FUNING)
    # unit A does see its own county's unit of the same code (checked first: the walk ends with a sign-out)
    mine = who["dept_a"][0].get("/api/v1/projects", params={"year": "2024"}).json()
    assert mine["total"] == 9 and {p["region_code"] for p in mine["items"]} == {FUNING}
    assert {p["dept_name"] for p in mine["items"]} == {"抚宁区民政局本级"}
    problems: list[str] = []
    admin_saw: list[str] = []
    for endpoint in routes():
        problems += check_route(endpoint, world, who, admin_saw)
    assert not problems, "\n".join(problems)
    for where in ["GET /", "GET /api/v1/projects/{project_id}", "GET /api/v1/actuals/template", "GET /exports"]:
        assert where in admin_saw, f"{where} never showed 昌黎县 314001's data to the admin: {admin_saw}"


def test_the_matrix_sees_every_page_and_api_route() -> None:
    paths = {e.path for e in routes()}
    for page in ["/", "/login", "/projects/{project_id}"]:
        assert page in paths
    assert "/api/v1/projects/{project_id}" in paths


# Ids of unit B that arrive in a query string: unit A gets 403/404 exactly as for an id in the path.
ID_QUERIES: dict[str, list[dict[str, str]]] = {
    "/api/v1/actuals/payments": [{"project_id": "{project_b}"}],
    "/api/v1/actuals/audit": [{"project_id": "{project_b}"}, {"batch_id": "{batch_b}"}, {"submission_id": "{sub_b}"}],
    "/api/v1/actuals/template": [{"dept_code": UNIT_B, "year": "2024"}],
}
# Bodies that name unit B's unit or objects, and the same body naming unit A's (so that unit A's 404 on B's
# is the scope's doing, not a bad sample): (method, path) -> (body for B, body for A).
BODIES: dict[tuple[str, str], tuple[Callable[[World], dict[str, object]], Callable[[World], dict[str, object]]]] = {
    ("POST", "/api/v1/actuals/submissions"): (
        lambda w: {"dept_code": UNIT_B, "year": 2024, "quarter": 2},
        lambda w: {"dept_code": UNIT_A, "year": 2024, "quarter": 2},
    ),
}


def test_ids_in_query_strings_and_bodies_answer_404_to_another_unit(committed_db: Engine) -> None:
    world = build_world(committed_db)
    who = clients()
    values = {"project_b": world.project_b, "batch_b": world.batch_b, "sub_b": world.submission_b}
    problems: list[str] = []
    covered = {e.path for e in routes() if e.method == "GET"}
    for path, variants in ID_QUERIES.items():
        assert path in covered, f"{path} is no longer a route: update ID_QUERIES"
        for variant in variants:
            query = {k: v.format(**values) for k, v in variant.items()}
            mine = who["dept_a"][0].get(path, params=query)
            theirs = who["admin"][0].get(path, params=query)
            if mine.status_code not in (403, 404):
                problems.append(f"GET {path}?{query} as unit A: {mine.status_code}, want 403/404")
            if theirs.status_code != 200:
                problems.append(f"GET {path}?{query} as admin: {theirs.status_code}, want 200 (is the sample real?)")
    for (method, path), (for_b, for_a) in BODIES.items():
        api = who["dept_a"][0]
        refused = api.request(method, path, json=for_b(world))
        if refused.status_code not in (403, 404):
            problems.append(f"{method} {path} naming unit B in the body as unit A: {refused.status_code}, want 403/404")
        own = api.request(method, path, json=for_a(world))
        if own.status_code >= 400:
            problems.append(f"{method} {path} naming its own unit as unit A: {own.status_code} {own.text[:200]}")
    upload_b = who["dept_a"][0].post(
        "/api/v1/actuals/uploads",
        files={"file": ("b.csv", csv_bytes(PAY_ZH, [pay(dept=UNIT_B, code=world.markers[1], amount="1")]), "text/csv")},
    )
    if upload_b.status_code != 422 or f"无权上报单位“{UNIT_B}”" not in upload_b.text:
        problems.append(f"POST /api/v1/actuals/uploads of unit B's rows as unit A: {upload_b.status_code}, want 422")
    assert not problems, "\n".join(problems)
