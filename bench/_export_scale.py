"""The self-evaluation export at province size (issue 14): 4,400 projects copied into more counties.

`python -m bench._export_scale PROJECTS [WORKERS] [DB]`: import 4,400 projects with a year of payments
and results (bench/export.py's generator), copy them and everything below them into new region codes
(one SQL `INSERT … SELECT` per table and copy) until there are PROJECTS (4,400 × n), then run
`tracker export self-evaluation`'s service in a fresh process with WORKERS writer processes and print
wall and CPU time, files per second and the peak memory of the parent and of the workers. DB keeps
the database for another run (built only when missing). SQLite only.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

BASE = 4_400


def family() -> list[sa.Table]:
    """region, dept, project and every table below a project, parents first."""
    import tracker.models

    tracker.models.load_all()  # every table in the metadata
    names = {"region", "dept", "project"}
    for table in SQLModel.metadata.sorted_tables:
        if any(fk.column.table.name in names - {"region", "dept"} for fk in table.foreign_keys):
            names.add(table.name)
    return [t for t in SQLModel.metadata.sorted_tables if t.name in names]


def _copy(conn: sa.Connection, table: sa.Table, k: int, top: dict[str, int]) -> None:
    """Rows of the original install in `table` once more, as copy `k` (ids shifted, new region codes)."""
    exprs: list[Any] = []
    for c in table.columns:
        target = next((fk.column.table.name for fk in c.foreign_keys), None)
        if c.name == "id" and table.name in top:
            exprs.append(c + k * top[table.name])
        elif target in top and target != table.name:
            exprs.append(c + k * top[target])
        elif c.name == "region_code" or (table.name == "region" and c.name == "code"):
            exprs.append(sa.literal(f"9{k:02d}") + sa.func.substr(c, 4))  # 130322 → 901322, 902322 …
        elif table.name == "region" and c.name == "name":
            exprs.append(c + sa.literal(f"{k:02d}"))
        else:
            exprs.append(c)
    query = sa.select(*exprs).where(_original(table, top))
    conn.execute(table.insert().from_select([c.name for c in table.columns], query))


def _original(table: sa.Table, top: dict[str, int]) -> Any:
    """The rows of the original install: by id, else by region code, else by the parent they belong to."""
    if table.name in top:
        return table.c.id <= top[table.name]
    if _code(table) in table.c:
        return sa.not_(table.c[_code(table)].like("9%"))
    column, parent = next(
        (c, fk.column.table.name) for c in table.columns for fk in c.foreign_keys if fk.column.table.name in top
    )
    return column <= top[parent]  # a table keyed by its project only (review_mark)


def _code(table: sa.Table) -> str:
    return "code" if table.name == "region" else "region_code"


def build(path: Path, projects: int) -> None:
    """The 4,400-project install copied until it has `projects` (a multiple of 4,400)."""
    from bench.export import fill_year, synthetic_file
    from tracker import migrate
    from tracker.db import make_engine
    from tracker.targets.service import import_targets

    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        import_targets(session=session, data=synthetic_file(BASE), filename="bench.txt")
        fill_year(session)
        session.commit()
    replicate(engine, projects // BASE)
    engine.dispose()
    print(f"  built {projects} projects in {time.perf_counter() - started:.0f} s", flush=True)


def replicate(engine: sa.Engine, times: int) -> None:
    """The install's projects (and all below them) `times` over: the original and copies in new regions."""
    tables = family()
    with engine.begin() as conn:
        top = {t.name: conn.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0 for t in tables if "id" in t.c}
        for k in range(1, times):
            for table in tables:
                _copy(conn, table, k, top)


def _watch_workers(peaks: dict[int, int], stop: threading.Event) -> None:
    """The peak resident memory (VmHWM, kB) of each child process, sampled every half second.

    (getrusage's children figure starts from the parent's size at fork, before the worker's exec.)
    """
    me = os.getpid()
    while not stop.wait(0.5):
        for task in Path(f"/proc/{me}/task").iterdir():
            for child in (task / "children").read_text().split():
                with contextlib.suppress(OSError):
                    status = Path(f"/proc/{child}/status").read_text()
                    peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
                    peaks[int(child)] = max(peaks.get(int(child), 0), peak)


def measure(path: Path, workers: int) -> None:
    """One export of the database at `path` into a temporary directory, with its figures."""
    from tracker.db import make_engine
    from tracker.evaluation.export import export_self_evaluation
    from tracker.rules import load_rules
    from tracker.scope import Scope
    from tracker.shared.export import DirSink

    engine = make_engine(f"sqlite:///{path}")
    rules = load_rules()
    peaks: dict[int, int] = {}
    stop = threading.Event()
    threading.Thread(target=_watch_workers, args=(peaks, stop), daemon=True).start()
    with tempfile.TemporaryDirectory(dir=path.parent) as out, Session(engine) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        done = export_self_evaluation(
            session=session, scope=Scope.everything(), year=2024, sink=DirSink(Path(out)), rules=rules, workers=workers
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = sum(p.stat().st_size for p in Path(out).rglob("*.xlsx"))
    stop.set()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"  {done.projects} projects, {len(done.files)} files ({size / 2**20:.0f} MB), {workers} worker(s)")
    print(f"  wall {wall:.1f} s, {len(done.files) / wall:.1f} files/s; CPU parent {cpu:.1f} s, "
          f"workers {kids.ru_utime + kids.ru_stime:.1f} s; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    worst = max(peaks.values(), default=0) / 1024
    print(
        f"  peak memory: parent {me.ru_maxrss / 1024:.0f} MB, largest child process {worst:.0f} MB"
        f" (of {len(peaks)}: the workers and multiprocessing's tracker)"
    )


def main(projects: int, workers: int, keep: str | None) -> None:
    root = Path(keep).parent if keep else Path(tempfile.mkdtemp())
    path = Path(keep) if keep else root / "scale.db"
    try:
        if not path.exists():
            build(path, projects)
        subprocess.run([sys.executable, "-m", "bench._export_scale", "measure", str(path), str(workers)], check=True)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 2, sys.argv[3] if len(sys.argv) > 3 else None)
