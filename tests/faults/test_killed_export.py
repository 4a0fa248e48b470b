"""An export killed half-way (SIGKILL in the middle of writing a workbook) leaves no truncated file.

The child process runs the real `tracker export self-evaluation` with the project workbook writer
wrapped: the third workbook gets half its bytes written and then the process hangs until killed.
Every workbook left in the folder must open; a run afterwards writes the full set.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from tests.support import lagging_first_quarter
from tracker.db import session_scope

pytestmark = pytest.mark.faults
HANGING_EXPORT = textwrap.dedent(
    """
    import sys, time
    from tracker.evaluation import selfeval
    from tracker import cli

    real, count = selfeval.write_project_workbook, [0]

    def half_then_hang(target, ev):
        count[0] += 1
        if count[0] < 3:
            return real(target, ev)
        import io
        whole = io.BytesIO()
        real(whole, ev)
        with open(target, "wb") as fh:  # where the exporter asked for it
            fh.write(whole.getvalue()[: len(whole.getvalue()) // 2])
            fh.flush()
        print("half-written", flush=True)
        time.sleep(120)  # killed here

    selfeval.write_project_workbook = half_then_hang
    # one process: the wrapped writer lives in this script, which worker processes would not run
    # (they write through the same DirSink, .part then rename, so the guarantee is the same)
    sys.argv = ["tracker", "export", "self-evaluation", "--year", "2024", "--out", sys.argv[1], "--workers", "1"]
    cli.main()
    """
)


def workbooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.xlsx") if not p.name.startswith("."))


def test_a_killed_export_leaves_only_whole_workbooks_and_a_rerun_writes_them_all(
    committed_db: Engine, tmp_path: Path
) -> None:
    with session_scope() as session:
        lagging_first_quarter(session)
    out = tmp_path / "export"
    proc = subprocess.Popen(
        [sys.executable, "-c", HANGING_EXPORT, str(out)], stdout=subprocess.PIPE, env=dict(os.environ), text=True
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        while "half-written" not in proc.stdout.readline():
            assert time.monotonic() < deadline and proc.poll() is None, "the export never reached its third file"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    left = workbooks(out)
    assert len(left) == 2, left  # the two finished ones, not the half-written third
    for path in left:
        load_workbook(path, read_only=True).close()  # each one whole

    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "export", "self-evaluation", "--year", "2024", "--out", str(out)],
        env=dict(os.environ), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    every = workbooks(out)
    assert (out / "summary.xlsx") in every and len(every) > 44  # 44 projects, their units and the summary
    for path in every:
        load_workbook(path, read_only=True).close()
    assert not [p for p in out.rglob(".*.part")], "no half-written leftovers after a whole run"
