"""Pages and API under concurrent load against `/health` on the same server (issue 14).

For the larger size of BENCH_SCALE and each database: a `tracker serve` process on 127.0.0.1 over an
install with that day's variance snapshots taken (the nightly job), then CLIENTS concurrent httpx
clients for up to SECONDS each on `/health`, `/api/v1/projects?limit=100` (bearer token) and the
dashboard `/` (signed-in cookie). Prints requests/s, p50 and p95; goals: the API ≥ 0.25 × /health's
requests/s, the dashboard's p95 < 300 ms.

The server runs as the README documents production: on PostgreSQL `tracker serve --workers N` (several
stateless web processes, BENCH_WORKERS, default the number of CPUs); the built-in SQLite mode is one
process. /health is measured on that same server, and the output says which it was.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench._install import AS_OF, KINDS, SIZES, analyze, build, database, log

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "4000"))
PASSWORD = "bench password 1"
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))


def _server(kind: str, port: int) -> tuple[list[str], str]:
    """The command serving the install and how it is described in the output."""
    if kind == "PostgreSQL" and WORKERS > 1:
        serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
        command = [sys.executable, "-c", "from tracker.cli import main; main()", *serve]
        return command, f"tracker serve --workers {WORKERS}"
    command = [sys.executable, "-m", "uvicorn", "tracker.main:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    return command, "one uvicorn process"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(url: str) -> None:
    from tracker.auth.service import create_user
    from tracker.db import make_engine, session_scope
    from tracker.monitoring.snapshots import take_snapshots
    from tracker.rules import load_rules

    engine = make_engine(url)
    with session_scope(engine) as session:
        create_user(session=session, username="bench", password=PASSWORD, role="admin")
    started = time.perf_counter()
    with session_scope(engine) as session:
        counts = take_snapshots(session=session, as_of=AS_OF, rules=load_rules())
    log(f"  variance job (snapshots of {counts['projects']:,} projects): {time.perf_counter() - started:.1f} s")
    analyze(engine)
    engine.dispose()


async def _load(client: httpx.AsyncClient, path: str) -> tuple[float, list[float], int]:
    """CLIENTS workers requesting `path` until SECONDS or MAX_REQUESTS; (requests/s, latencies, failures)."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + SECONDS

    async def worker() -> None:
        nonlocal failures
        while time.perf_counter() < deadline and len(latencies) + failures < MAX_REQUESTS:
            started = time.perf_counter()
            response = await client.get(path)
            if response.status_code == 200:
                latencies.append(time.perf_counter() - started)
            else:
                failures += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return len(latencies) / (time.perf_counter() - began), sorted(latencies), failures


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))] * 1000 if values else float("nan")


CHANGES = int(os.environ.get("BENCH_CHANGES", "10"))


async def _after_changes(page: httpx.AsyncClient, path: str, url: str) -> list[float]:
    """The dashboard right after a change, one client: before each view an audit entry is written (as every
    upload, correction or budget change writes one), so no worker holds a summary of the new state."""
    from tracker.db import make_engine, session_scope
    from tracker.models import AuditEntry

    engine, latencies = make_engine(url), []
    try:
        for _ in range(CHANGES):
            with session_scope(engine) as session:
                session.add(AuditEntry(action="bench.change", entity="bench"))
            started = time.perf_counter()
            if (await page.get(path)).status_code == 200:
                latencies.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return sorted(latencies)


async def _measure(base: str, label: str, url: str) -> tuple[float, float, float]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as anon:
        token = (await anon.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})).json()
        health = await _load(anon, "/health")
    async with httpx.AsyncClient(
        base_url=base, timeout=60, headers={"Authorization": f"Bearer {token['access_token']}"}
    ) as api:
        projects = await _load(api, "/api/v1/projects?limit=100")
    async with httpx.AsyncClient(base_url=base, timeout=60) as page:
        form = (await page.get("/login")).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf is not None
        await page.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf.group(1)})
        dashboard = await _load(page, f"/?year={AS_OF.year}&as_of={AS_OF.isoformat()}")
        changed = await _after_changes(page, f"/?year={AS_OF.year}&as_of={AS_OF.isoformat()}", url)
    for name, (rate, lat, bad) in (
        ("/health", health),
        ("/api/v1/projects?limit=100", projects),
        ("/ (dashboard)", dashboard),
    ):
        log(f"{label:<10} {name:<28} {rate:7.1f} req/s  p50 {_pct(lat, 0.5):7.1f} ms  p95 {_pct(lat, 0.95):7.1f} ms"
            f"  ({len(lat)} ok, {bad} failed, {CLIENTS} clients)")  # fmt: skip
    log(f"{label:<10} {'/ right after a change':<28} {'':>13}  p50 {_pct(changed, 0.5):7.1f} ms  "
        f"max {changed[-1] * 1000 if changed else float('nan'):7.1f} ms  ({len(changed)} views, 1 client, "
        f"each after a new audit entry: the summary computed again)")  # fmt: skip
    return projects[0] / health[0], _pct(dashboard[1], 0.95), float(dashboard[2] + projects[2])


def main() -> None:
    missed = False
    counties, per = SIZES[-1]
    for kind in KINDS:
        with database(kind) as url, tempfile.TemporaryDirectory() as tmp:
            if url is None:
                continue
            log(f"{kind}: building {counties * per:,} projects …")
            build(url, counties, per, workdir=Path(tmp)).dispose()
            _prepare(url)
            port = _port()
            env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_VAR_DIR": str(Path(tmp) / "var")}
            command, served = _server(kind, port)
            log(f"{kind}: server {served}; /health, the API and the dashboard all on it")
            server_log = Path(tmp) / "server.log"  # its request log, as in production, kept out of the report
            sink = server_log.open("wb")
            server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=sink)
            try:
                base = f"http://127.0.0.1:{port}"
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        if httpx.get(base + "/health", timeout=2).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.2)
                ratio, p95, failed = asyncio.run(_measure(base, kind, url))
            finally:
                server.terminate()
                server.wait(timeout=30)
                sink.close()
            log(f"{kind:<10} {counties * per:,} projects ({served}): API/health {ratio:.2f} (goal ≥ 0.25), "
                f"dashboard p95 {p95:.0f} ms (goal < 300)")  # fmt: skip
            if failed:
                log("server log, last lines:\n" + "\n".join(server_log.read_text(errors="replace").splitlines()[-20:]))
            missed |= ratio < 0.25 or p95 >= 300 or failed > 0
    if missed:
        raise SystemExit(1)
