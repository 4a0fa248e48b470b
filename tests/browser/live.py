"""A real server for the browser: a fresh SQLite database with the 昌黎县 2024 targets, users, and uvicorn.

Used by the browser tests and by the screenshot script. Everything runs in child processes with
their own settings, so the test process's settings and database stay untouched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "browser-test-pass"
USERS = [("admin", "admin", ()), ("mz", "department", ("314001",)), ("vet", "department", ("320001",)),
         ("look", "viewer", ())]  # fmt: skip
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True, slots=True)
class Live:
    url: str
    env: dict[str, str]
    workdir: Path


def _setup(demo: bool = False) -> None:
    """Runs in the child: migrate, import the targets, create the users (and demo actuals)."""
    from tracker import migrate
    from tracker.auth.service import create_user
    from tracker.db import session_scope
    from tracker.targets.service import import_targets

    migrate.upgrade()
    data = ROOT / "data" / "changli-2024-targets.txt"
    with session_scope() as session:
        import_targets(session=session, data=data.read_bytes(), filename=data.name)
        for username, role, units in USERS:
            create_user(session=session, username=username, password=PASSWORD, role=role, units=units)
        if demo:
            from tests.browser.demo import add_demo

            session.flush()
            add_demo(session)
    if demo:
        from tests.browser.demo import add_demo_activity

        add_demo_activity()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(workdir: Path, *, demo: bool = False) -> Iterator[Live]:
    """A migrated, loaded database in `workdir` and uvicorn serving it on a free 127.0.0.1 port."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "TRACKER_VAR_DIR": str(workdir / "var"),
        "TRACKER_SECRET_KEY": "browser-tests-only-secret",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TRACKER_ADMIN_PASSWORD", None)
    setup = f"from tests.browser.live import _setup; _setup(demo={demo})"
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, cwd=ROOT)
    port = free_port()
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tracker.main:app", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # generous: the machine may be busy with other test runs
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {(workdir / 'server.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield Live(url=url, env=env, workdir=workdir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form and wait until the app has let the user in."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def api(live: Live, username: str = "admin") -> httpx.Client:
    """An API client with a bearer token, for looking things up around a browser flow."""
    client = httpx.Client(base_url=live.url, timeout=30)
    body: dict[str, Any] = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD}).json()
    client.headers["Authorization"] = f"Bearer {body['access_token']}"
    return client
