"""A process killed half-way through writing an upload leaves nothing; concurrent uploads take turns.

The upload runs in a child process against a file database (and PostgreSQL); a progress hook holds
it after the first chunk of rows is written, the test kills it with SIGKILL and looks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.actuals.helpers import ADMIN, PAY_ZH, counts, csv_bytes, pay, upload
from tracker.actuals.report import UploadRejected
from tracker.db import session_scope
from tracker.targets.service import import_targets

BIG = "13032224P00XC0610102D"  # budget 2000 万元


KILLED_UPLOAD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from tracker.actuals import service
    from tracker.db import session_scope
    from tracker.auth.principal import Principal
    from tracker.rules import load_rules
    from tracker.scope import Scope

    def progress(stage, done, total):
        if stage == "写入":
            print(f"written {done} of {total}", flush=True)
            if os.environ.get("HOLD") == "1":
                time.sleep(60)  # the test kills the process here, half-way through writing

    with session_scope() as session:
        service.upload(session=session, source=Path(sys.argv[1]), filename="big.csv", chunk_rows=100,
                       principal=Principal("killer", "admin", Scope.everything()), progress=progress,
                       rules=load_rules())
    print("committed", flush=True)
    """
)


def run_upload(engine: Engine, path: Path, hold: bool) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "HOLD": "1" if hold else "0",
    }
    return subprocess.Popen(
        [sys.executable, "-c", KILLED_UPLOAD, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )


def test_process_killed_mid_upload_leaves_nothing_and_a_full_run_leaves_everything(
    committed_db: Engine, tmp_path: Path, changli_bytes: bytes
) -> None:
    with session_scope() as session:
        import_targets(session=session, data=changli_bytes, filename="changli.txt")
    path = tmp_path / "big.csv"
    path.write_bytes(
        csv_bytes(PAY_ZH, [pay(day=f"2024-0{1 + n % 9}-1{n % 10}", amount="1", code=BIG) for n in range(1000)])
    )
    proc = run_upload(committed_db, path, hold=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("written 100 of 1000")  # rows are in the database, uncommitted
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Session(committed_db) as s:
        assert counts(s) == {"batches": 0, "payments": 0, "results": 0, "audit": 0}
    done = run_upload(committed_db, path, hold=False)
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0 and "committed" in out
    with Session(committed_db) as s:
        assert counts(s)["payments"] == 1000 and counts(s)["batches"] == 1


def test_two_uploads_at_once_are_checked_one_after_the_other(committed_db: Engine, changli_bytes: bytes) -> None:
    """Each file alone fits the 180 万元 budget, both together do not: exactly one may be applied."""
    with session_scope() as session:
        import_targets(session=session, data=changli_bytes, filename="changli.txt")
    files = [csv_bytes(PAY_ZH, [pay(amount="100", note=name)]) for name in ("a", "b")]
    start = threading.Barrier(2)
    outcome: list[str] = []

    def send(data: bytes) -> None:
        start.wait()
        try:
            with session_scope() as session:
                upload(session, data, principal=ADMIN)
            outcome.append("applied")
        except UploadRejected as exc:
            outcome.append(exc.issues[0].message)

    threads = [threading.Thread(target=send, args=(data,)) for data in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcome)[0] == "applied" and "超过项目预算" in sorted(outcome)[1]
    with Session(committed_db) as s:
        assert counts(s)["payments"] == 1
