"""Signed-in clients for tests: real users in the test database, real tokens, real page sign-in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from tracker.auth.service import create_user
from tracker.db import session_scope
from tracker.main import create_app
from tracker.targets.service import import_targets

DATA = Path(__file__).resolve().parent.parent / "data" / "changli-2024-targets.txt"
PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def load_changli() -> None:
    with session_scope() as session:
        import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name)


def load_funing() -> None:
    """The second county (130306), the same unit codes as 昌黎县 (tests/support.py)."""
    from tests.support import funing_bytes

    with session_scope() as session:
        import_targets(session=session, data=funing_bytes(), filename="funing-2024-targets.txt")


def add_user(
    username: str, role: str = "admin", units: tuple[str, ...] = (), regions: tuple[str, ...] | None = None
) -> None:
    """A login; units are 昌黎县's (130322) unless regions say otherwise (users may come before the data)."""
    places = regions if regions is not None else (("130322",) if units else ())
    with session_scope() as session:
        create_user(session=session, username=username, password=PASSWORD, role=role, units=units, regions=places)


def api_client(
    username: str = "admin", role: str = "admin", units: tuple[str, ...] = (), regions: tuple[str, ...] | None = None
) -> TestClient:
    """A client whose requests carry a bearer token of a new user (created here)."""
    add_user(username, role, units, regions)
    client = TestClient(create_app())
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    return client


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def page_client(username: str = "admin", role: str = "admin", units: tuple[str, ...] = ()) -> TestClient:
    """A client signed in through the /login form with a new user (created here); `.csrf` holds its token."""
    add_user(username, role, units)
    client = TestClient(create_app(), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text
    client.csrf = csrf_of(client.get("/").text)  # type: ignore[attr-defined]
    return client


def project_id(heading_no: int) -> int:
    """The id of the 昌黎县 2024 project with this table number."""
    from sqlmodel import select

    from tracker.models import Project

    with session_scope() as session:
        pid = session.exec(select(Project.id).where(Project.heading_no == heading_no)).one()
    assert pid is not None
    return pid


def add_payments(pid: int, payments: list[tuple[date, int]]) -> None:
    """Payments straight into the tables (what an accepted upload leaves behind)."""
    from tracker.models import Payment, UploadBatch

    with session_scope() as session:
        batch = UploadBatch(filename="payments.csv", sha256=f"{pid:064d}")
        session.add(batch)
        session.flush()
        assert batch.id is not None
        for n, (day, fen) in enumerate(payments, start=1):
            session.add(Payment(project_id=pid, batch_id=batch.id, paid_on=day, amount_fen=fen, row_no=n))


def switch_user(client: TestClient, username: str, role: str, units: tuple[str, ...] = ()) -> TestClient:
    """Make `client` carry the token of `username` (created with this role and units when new)."""
    from sqlmodel import select

    from tracker.models import User

    with session_scope() as session:
        exists = session.exec(select(User.id).where(User.username == username)).first() is not None
    if not exists:
        add_user(username, role, units)
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    return client
