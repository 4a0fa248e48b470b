"""`tracker scheduler` in its own processes: one acts, a second waits, a missed run runs once on start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jobs.schedule import JOBS
from tracker.models import JobRun

SCHEDULER = [sys.executable, "-m", "tracker.cli", "scheduler"]


def finished_runs(engine: Engine) -> list[JobRun]:
    with Session(engine) as s:
        return list(s.exec(select(JobRun).where(JobRun.outcome != "running")))


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


class Scheduler:
    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(SCHEDULER, stdout=subprocess.DEVNULL, stderr=log.open("wb"), env=dict(os.environ))

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(120)  # generous: a loaded 2-core machine may take long to start Python and stop


@pytest.fixture
def start(tmp_path: Path, rules: Callable[..., None], committed_db: Engine) -> Iterator[Callable[[str], Scheduler]]:
    rules(schedule={"lease_seconds": 2, "standby_poll_seconds": 0.2})
    started: list[Scheduler] = []

    def launch(name: str) -> Scheduler:
        started.append(Scheduler(tmp_path / f"{name}.log"))
        return started[-1]

    yield launch
    for s in started:
        s.stop(signal.SIGKILL)


def test_one_scheduler_acts_catches_up_once_and_a_second_takes_over_when_it_dies(
    committed_db: Engine, start: Callable[[str], Scheduler]
) -> None:
    first = start("first")
    # Each job was due within the last day and never ran: each runs once, at once.
    every = len(JOBS)  # variance, reminders, alerts, key_monitoring, corrections
    wait_for(lambda: len(finished_runs(committed_db)) == every)
    runs = finished_runs(committed_db)
    assert sorted(r.name for r in runs) == sorted(JOBS)
    assert {(r.trigger, r.pid) for r in runs} == {("catch-up", first.proc.pid)}
    assert "本进程成为执行调度器" in first.output

    second = start("second")
    wait_for(lambda: "另一个调度器正在运行，本进程待命" in second.output)
    time.sleep(1)
    assert len(finished_runs(committed_db)) == every  # the standby did nothing

    first.stop(signal.SIGKILL)  # no goodbye: the lock goes with the connection, the lease runs out
    wait_for(lambda: "本进程成为执行调度器" in second.output)
    time.sleep(1)
    assert len(finished_runs(committed_db)) == every  # those runs were done: nothing is caught up twice
    assert second.stop() == 0
    assert "调度器停止" in second.output
