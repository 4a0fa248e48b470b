"""`make run` starts the web server and the scheduler side by side; stopping it stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.support import free_port


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_all_serves_the_api_and_runs_the_scheduler_then_stops_both(
    committed_db: Engine, tmp_path: Path, stop: signal.Signals
) -> None:
    port = free_port()
    log = tmp_path / "run-all.log"
    cmd = [sys.executable, "-m", "tracker.cli", "run-all", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log.open("wb"), env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json() == {"status": "ok"}:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text(errors="replace")
            time.sleep(0.2)
        while "本进程成为执行调度器" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        proc.send_signal(stop)  # Ctrl-C, or `kill` / `docker stop`
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log.read_text(errors="replace")
    assert "调度器停止" in output
    try:
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
        raise AssertionError("the web server is still up")
    except httpx.ConnectError:
        pass
