"""Writing many export files in worker processes: the self-evaluation export writes a workbook per project.

Each worker receives plain values (a file name and a picklable writer: a module-level function bound
to the project's row with `functools.partial`), never a session; it writes each file whole through a
`DirSink` (write to `.name.part`, then rename), exactly as the serial path does, so the files are the
same. Workers are started with `spawn`: they inherit no database connection, lock or thread of the
parent. The caller hands over the files a piece at a time (`Writers.put`) and gathers the next piece
while the workers write; at most AHEAD batches per worker wait, so memory stays bounded however many
files there are. The parent reports progress as batches finish.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from types import TracebackType

from tracker.shared.export import DirSink, Run, Sink, Writer

Job = tuple[str, Writer]
BATCH_MAX = 50  # files per task: small enough for a steady progress bar, large enough to amortise pickling
AHEAD = 3  # batches waiting per worker: keeps the workers busy while the caller gathers the next piece


def worker_count(configured: int) -> int:
    """min(CPUs, configured), at least 1 (TRACKER_EXPORT_WORKERS, or --workers)."""
    return max(1, min(os.cpu_count() or 1, configured))


def _write_batch(root: str, jobs: Sequence[Job]) -> int:
    sink = DirSink(Path(root))
    for name, write in jobs:
        sink.put(name, write)
    return len(jobs)


class Writers:
    """Write jobs into the run's sink: in `workers` processes when it is a directory, else one by one, here.

    Use as a context manager; leaving it waits for every file (or, on an error, cancels what has not started).
    """

    def __init__(self, run: Run, sink: Sink, workers: int) -> None:
        self.run, self.sink, self.workers = run, sink, workers
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict[Future[int], list[str]] = {}

    def put(self, jobs: Sequence[Job]) -> None:
        if self.workers <= 1 or not isinstance(self.sink, DirSink):
            for name, write in jobs:
                self.run.put(name, write)
            return
        root = str(self.sink.root)
        size = max(1, min(BATCH_MAX, len(jobs) // (self.workers * 4) or 1))
        for start in range(0, len(jobs), size):
            batch = jobs[start : start + size]
            while len(self.pending) >= self.workers * AHEAD:
                self._collect(FIRST_COMPLETED)
            self.pending[self._pool().submit(_write_batch, root, batch)] = [name for name, _ in batch]

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self.pool

    def _collect(self, when: str) -> None:
        done, _ = wait(self.pending, return_when=when)
        for future in done:
            names = self.pending.pop(future)
            future.result()  # a worker's error stops the export, as it would the serial one
            self.run.done(names)

    def __enter__(self) -> Writers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                while self.pending:
                    self._collect(FIRST_COMPLETED)
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
