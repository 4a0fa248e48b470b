"""The container's start command, run outside a container: migrate, then web answers /health and /ready.

Before the migration /ready says 503 (and why) while /health stays ok; after it both are ok. With JSON
logs every line is one JSON object, and a request's `X-Request-ID` comes back and is in its log line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.deploy.conftest import env_for
from tests.support import free_port

ENTRYPOINT = Path(__file__).resolve().parents[2] / "docker" / "entrypoint.sh"
pytestmark = pytest.mark.deploy


def wait_for_health(url: str, proc: subprocess.Popen[bytes], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the web process ended"
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("web did not come up")


def stop(proc: subprocess.Popen[bytes]) -> bytes:
    """SIGTERM to the whole group (uvicorn and its workers), as `docker stop` does; its stderr."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    return err


def test_migrate_then_web_is_healthy_and_ready_with_request_ids_in_json_logs(empty_url: str, tmp_path: Path) -> None:
    port = free_port()
    workers = "2" if empty_url.startswith("postgresql") else "1"
    env = env_for(empty_url, tmp_path, PORT=str(port), HOST="127.0.0.1", WEB_WORKERS=workers, TRACKER_LOG_FORMAT="json")
    url = f"http://127.0.0.1:{port}"
    web = subprocess.Popen([str(ENTRYPOINT), "web"], env=env, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_health(url, web)
        not_ready = httpx.get(f"{url}/ready", timeout=10)
        assert not_ready.status_code == 503 and "tracker db upgrade" in not_ready.json()["detail"]
        assert httpx.get(f"{url}/health").json() == {"status": "ok"}

        migrated = subprocess.run([str(ENTRYPOINT), "migrate"], env=env, capture_output=True, timeout=180)
        assert migrated.returncode == 0, migrated.stderr.decode()
        ready = httpx.get(f"{url}/ready", headers={"X-Request-ID": "deploy-check-7"}, timeout=10)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert ready.headers["X-Request-ID"] == "deploy-check-7"
        fresh = httpx.get(f"{url}/health", headers={"X-Request-ID": "bad id with spaces"})
        assert fresh.headers["X-Request-ID"] != "bad id with spaces" and len(fresh.headers["X-Request-ID"]) == 32
    finally:
        err = stop(web)
    records = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    assert records, err.decode()[-2000:]
    lines = [r for r in records if r.get("request_id") == "deploy-check-7" and r["logger"] == "tracker.request"]
    assert lines and lines[0]["path"] == "/ready" and lines[0]["status"] == 200
    assert all({"time", "level", "logger", "message", "request_id"} <= set(r) for r in records)


def test_the_scheduler_command_starts_and_stops_on_sigterm(empty_url: str, tmp_path: Path) -> None:
    env = env_for(empty_url, tmp_path, TRACKER_LOG_FORMAT="json")
    assert subprocess.run([str(ENTRYPOINT), "migrate"], env=env, capture_output=True, timeout=180).returncode == 0
    proc = subprocess.Popen([str(ENTRYPOINT), "scheduler"], env=env, stderr=subprocess.PIPE, start_new_session=True)
    lines: list[dict[str, object]] = []
    deadline = time.monotonic() + 90
    assert proc.stderr is not None
    while time.monotonic() < deadline and not any("scheduler" in str(r.get("logger")) for r in lines):
        line = proc.stderr.readline()
        if not line:
            break
        if line.startswith(b"{"):
            lines.append(json.loads(line))
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        # stderr is read to its end while waiting: a job running at the signal finishes first and logs, and a
        # pipe nobody reads fills (64 kB) and blocks the scheduler's last lines, so it would never exit
        _, rest = proc.communicate(timeout=120)  # a loaded CI machine is slow
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # never left running
        _, rest = proc.communicate()
        pytest.fail("the scheduler did not stop within 120 s of SIGTERM; it printed:\n" + _tail(rest))
    assert any("scheduler" in str(r.get("logger")) for r in lines), lines
    assert proc.returncode == 0, _tail(rest)


def _tail(printed: bytes) -> str:
    return printed.decode(errors="replace")[-12000:]
