"""A restart in the middle of an alerts run loses nothing: the job process is killed and the next run delivers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jobs.runner import run_job
from tests.alerts.conftest import CZ, JY, MZ
from tests.support import MailServer
from tracker.models import AlertMessage, JobRun

APRIL_1 = date(2024, 4, 1)
JOB = [sys.executable, "-m", "tracker.cli", "jobs", "run", "alerts", "--as-of", APRIL_1.isoformat()]


def states(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [m.state for m in s.exec(select(AlertMessage).order_by(AlertMessage.id))]  # type: ignore[arg-type]


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers: an SMTP server hanging before its greeting."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def test_killed_after_deciding_and_before_sending_the_next_run_sends_everything_once(
    quarter: Engine, smtp: MailServer, silent_port: int, use: Callable[..., None]
) -> None:
    env = {**os.environ, "TRACKER_SMTP_PORT": str(silent_port)}
    proc = subprocess.Popen(JOB, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(states(quarter)) == 3)  # the decisions are committed; the sender hangs connecting
    finally:
        kill(proc)
    assert states(quarter) == ["queued"] * 3

    run = run_job("alerts", as_of=APRIL_1)
    assert run.counts["sent"] == 3 and run.counts["messages"] == 0
    assert sorted(r.envelope_to[0] for r in smtp.received) == sorted([CZ, JY, MZ])
    with Session(quarter) as s:
        killed = s.exec(select(JobRun).where(JobRun.pid == proc.pid)).one()
    assert killed.outcome == "interrupted"


def test_killed_while_sending_the_claimed_message_goes_out_once_its_lease_ends(
    quarter: Engine, smtp: MailServer, rules: Callable[..., None]
) -> None:
    rules(alerts={"send_lease_seconds": 2})
    smtp.stall.set()  # the server holds the first message's DATA
    proc = subprocess.Popen(JOB, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert smtp.stalled.wait(60)
    finally:
        kill(proc)
    smtp.stall.clear()
    assert sorted(states(quarter)) == ["queued", "queued", "sending"]
    assert smtp.received == []

    first = run_job("alerts", as_of=APRIL_1)  # the dead sender's lease still runs: another sender keeps off
    assert first.counts["sent"] == 2 and len(smtp.received) == 2
    time.sleep(2.1)
    second = run_job("alerts", as_of=APRIL_1)
    assert second.counts["sent"] == 1
    assert sorted(r.envelope_to[0] for r in smtp.received) == sorted([CZ, JY, MZ])
    assert states(quarter) == ["sent"] * 3
