"""SIGTERM stops the scheduler whatever it is doing at that instant (README: 停止定时任务进程).

The signal used to raise SystemExit in the main thread. Landing while APScheduler handed a job to a
worker (a catch-up run at start, every few seconds in a busy process), it was caught there with every
other exception, logged as "Error submitting job", and the scheduler ran on: the process never exited
and its container was killed. The signal now only sets a flag that a one-second job and the loop obey.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apscheduler.executors.base import BaseExecutor

import jobs.scheduler as scheduler
from tracker import migrate
from tracker.db import make_engine
from tracker.rules import load_rules


@pytest.fixture
def stopping() -> Iterator[threading.Event]:
    yield scheduler._stopping
    scheduler._stopping.clear()  # the next test's scheduler starts afresh


def test_a_signal_while_a_job_is_handed_to_a_worker_stops_the_scheduler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stopping: threading.Event
) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    submit = BaseExecutor.submit_job
    signalled = threading.Event()

    def submit_and_signal(self: BaseExecutor, job: Any, run_times: Any) -> None:
        if not signalled.is_set():  # the signal handler runs here, in the middle of handing over a job
            signalled.set()
            scheduler._terminate(signal.SIGTERM, None)
        submit(self, job, run_times)

    monkeypatch.setattr(BaseExecutor, "submit_job", submit_and_signal)
    done = threading.Event()

    def serve() -> None:
        scheduler.serve(rules=load_rules(), engine=engine)
        done.set()

    threading.Thread(target=serve, daemon=True).start()
    assert signalled.wait(60), "no job was handed to a worker"
    assert done.wait(60), "the scheduler ran on after the signal"
    assert stopping.is_set()
    engine.dispose()


def test_a_signal_before_the_schedule_starts_stops_it_without_running_anything(
    tmp_path: Path, stopping: threading.Event
) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    scheduler._terminate(signal.SIGTERM, None)  # e.g. while it waited for the lease or read the missed runs
    finished = threading.Event()
    thread = threading.Thread(target=lambda: (scheduler.serve(rules=load_rules(), engine=engine), finished.set()))
    thread.start()
    assert finished.wait(60)
    thread.join(60)
    with engine.connect() as conn:  # nothing ran: it did not even take the lease
        assert conn.exec_driver_sql("SELECT count(*) FROM job_run").scalar() == 0
    engine.dispose()
