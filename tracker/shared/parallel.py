"""Writing many export files in worker processes: the self-evaluation export writes a workbook per project.

Each worker receives plain values (a file name and a picklable writer: a module-level function bound
to the project's row with `functools.partial`), never a session; it writes each file whole through a
`DirSink` (write to `.name.part`, then rename), exactly as the serial path does, so the files are the
same. Workers are started with `spawn`: they inherit no database connection, lock or thread of the
parent. The parent reports progress as batches finish and records the names in the order given.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tracker.shared.export import DirSink, Run, Writer

Job = tuple[str, Writer]
BATCH_MAX = 50  # files per task: small enough for a steady progress bar, large enough to amortise pickling


def worker_count(configured: int) -> int:
    """min(CPUs, configured), at least 1 (TRACKER_EXPORT_WORKERS, or --workers)."""
    return max(1, min(os.cpu_count() or 1, configured))


def _write_batch(root: str, jobs: Sequence[Job]) -> int:
    sink = DirSink(Path(root))
    for name, write in jobs:
        sink.put(name, write)
    return len(jobs)


def put_all(run: Run, sink: object, jobs: Sequence[Job], workers: int) -> None:
    """Write every job into the run's sink: in `workers` processes when it is a directory, else one by one."""
    if workers <= 1 or not isinstance(sink, DirSink) or len(jobs) < 2:
        for name, write in jobs:
            run.put(name, write)
        return
    size = max(1, min(BATCH_MAX, len(jobs) // (workers * 4) or 1))
    batches = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(batches)), mp_context=context) as pool:
        futures = {pool.submit(_write_batch, str(sink.root), batch): batch for batch in batches}
        for future in as_completed(futures):
            future.result()  # a worker's error stops the export, as it would the serial one
            run.done([name for name, _ in futures[future]])
    run.order([name for name, _ in jobs])
