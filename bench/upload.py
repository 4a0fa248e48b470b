"""Uploads in a loaded install against bare read_csv + to_sql, with peak memory (issues 3 and 14).

Speed: a 100,000-row payment CSV over 4,400 projects checked and committed by `tracker.actuals.service.upload`
into an install of the larger BENCH_SCALE size (4,400 projects at small; at province 60,000 projects with
2,000,000 payments stored, the issue's "any install size"), against the bare `pandas.read_csv` +
`DataFrame.to_sql` of the same file into the same database, measured in one run, alternating, best of
BENCH_REPEAT; the goal is a ratio of at most 1.5. SQLite and PostgreSQL (BENCH_KINDS; TRACKER_BENCH_PG_URL, else
TRACKER_TEST_PG_URL, else the local test database). At province size a second file, the same 100,000 rows spread
over all 60,000 projects, shows what each touched project costs (no goal: a file of another shape).

Whole process: the same file uploaded by `tracker actuals upload FILE` run as a command, against a bare
`python -c` doing read_csv + to_sql, each timed from start to exit (interpreter start and imports included),
wall seconds and the child's CPU seconds (user + system), best of BENCH_REPEAT; both read compiled modules, as
an installed tracker does (`compiled`).

Memory: a 1,000,000-row file uploaded in a child process on each database; its peak RSS and time are printed
next to those of the bare pandas load of the same file (which holds every row in memory at once), and the time
ratio is held to the same goal.

Knobs: BENCH_ROWS (100000), BENCH_BIG_ROWS (full, province: 1000000; small: 0 = skipped), BENCH_REPEAT (full 3,
small 1),
BENCH_FILE_PROJECTS (4400), BENCH_STORED_PAYMENTS (province: 2000000, else 0 = the install's own).
"""

from __future__ import annotations

import compileall
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "changli-2024-targets.txt"
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
SCALE = os.environ.get("BENCH_SCALE", "small")
_FULL = SCALE == "full"
BIG_ROWS = int(os.environ.get("BENCH_BIG_ROWS", "1000000" if SCALE in ("full", "province") else "0"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3" if _FULL else "1"))
TARGET = 1.5
FILE_PROJECTS = int(os.environ.get("BENCH_FILE_PROJECTS", "4400"))
STORED = int(os.environ.get("BENCH_STORED_PAYMENTS", "2000000" if SCALE == "province" else "0"))
HEADER = ["单位编码", "项目编码", "支付日期", "金额（万元）", "备注"]
os.environ.setdefault("TRACKER_UPLOAD_MAX_BYTES", str(1 << 30))  # the 1,000,000-row file is about 60 MB


def write_payments(path: Path, rows: int, projects: list[tuple[str, str, int]]) -> None:
    """Payments spread over every project, each project's total well inside its budget."""
    per_project = -(-rows // len(projects))
    start = date(2024, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for n in range(rows):
            dept, code, budget = projects[n % len(projects)]
            fen = max(1, budget // (per_project * 4))  # a quarter of the budget: the install paid up to half
            day = start + timedelta(days=n % 366)
            out.writerow(
                [dept, code, day.isoformat(), f"{fen // 1_000_000}.{fen % 1_000_000:06d}", f"第{n}笔" if n % 3 else ""]
            )


def prepare(url: str) -> tuple[Engine, list[tuple[str, str, int]]]:
    """A migrated database holding the larger BENCH_SCALE install (4,400 projects at small) with a year of
    payments stored (topped up to STORED), and its (unit, project, budget left) list in id order."""
    from bench._install import SIZES, build

    counties, per = SIZES[-1]
    engine = build(url, counties, per, workdir=Path(tempfile.mkdtemp(prefix="tracker-bench-")))
    if STORED:
        top_up(engine, STORED)
        settle(engine)
    with engine.connect() as conn:
        spent = sa.text("SELECT project_id, sum(amount_fen) FROM payment GROUP BY project_id")
        paid: dict[int, int] = {int(i): int(f) for i, f in conn.execute(spent)}
        rows = conn.execute(sa.text("SELECT id, dept_code, code, budget_fen FROM project ORDER BY id")).all()
    # what is left of each budget after the install's own payments, so the file never passes a budget
    projects = [(dept, code, int(budget) - paid.get(int(pid), 0)) for pid, dept, code, budget in rows]
    return engine, [p for p in projects if p[2] > 1_000_000]  # more than 1 万元 left


def top_up(engine: Engine, stored: int) -> None:
    """More payments of the year (small amounts, on each project's own days) until `stored` are stored in all:
    a province's year, where the generated install holds six per project."""
    with engine.begin() as conn:
        have = int(conn.execute(sa.text("SELECT count(*) FROM payment")).scalar_one())
        projects = int(conn.execute(sa.text("SELECT count(*) FROM project")).scalar_one())
        per = -(-(stored - have) // projects)
        if per <= 0:
            return
        day = "date '2024-01-01' + ((g.n * 7 + p.id) % 180)"
        numbers = "generate_series(1, :per) AS g(n)"
        if engine.dialect.name == "sqlite":
            day = "date('2024-01-01', '+' || ((g.n * 7 + p.id) % 180) || ' days')"
            numbers = "g"
        with_numbers = "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :per) "
        conn.execute(
            sa.text(
                "INSERT INTO payment (project_id, batch_id, paid_on, amount_fen, note, row_no, voucher, source, "
                f"withdrawn) {with_numbers if engine.dialect.name == 'sqlite' else ''}"
                f"SELECT p.id, 1, {day}, 100 + g.n % 50, '', 0, '', '本年财政拨款', false FROM project p "
                f"CROSS JOIN {numbers}"
            ),
            {"per": per},
        )
        total = int(conn.execute(sa.text("SELECT count(*) FROM payment")).scalar_one())
    print(f"  stored payments topped up to {total:,}", flush=True)


def settle(engine: Engine) -> None:
    """After the top-up, the tables as a running install has them: vacuumed (autovacuum would otherwise work on
    1.7 M fresh rows during the first measurements, on a 2-core machine), analysed, and on PostgreSQL flushed
    to disk (a checkpoint of the top-up's WAL would otherwise write during the measured uploads: the same
    upload measured 1.9 s or 2.6 s by chance)."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM (ANALYZE) payment"))
        with suppress(sa.exc.DBAPIError):  # CHECKPOINT needs a superuser (or pg_checkpoint on PostgreSQL 15+)
            conn.execute(sa.text("CHECKPOINT"))


CLEARED = ("audit_entry", "batch_period", "indicator_result", "payment", "upload_batch")


def clear_actuals(engine: Engine) -> None:
    """Remove what the measured uploads wrote; the install's own payments (batch 1) stay.

    On PostgreSQL the deleted rows are vacuumed away, so that every round measures the same install: left
    dead, each round's 100,000 rows slow the next round's reads and index writes (a running server's
    autovacuum would remove them in time; this machine's PostgreSQL runs with autovacuum off, and 4.2 M dead
    payments once made the same read of 4,400 projects' totals 15× slower).
    """
    with engine.begin() as conn:
        for table in CLEARED[:3]:
            conn.execute(sa.text(f"DELETE FROM {table}"))
        conn.execute(sa.text("DELETE FROM payment WHERE batch_id > 1"))
        conn.execute(sa.text("DELETE FROM upload_batch WHERE id > 1"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f"VACUUM (ANALYZE) {', '.join(CLEARED)}"))


def upload(engine: Engine, path: Path) -> int:
    """One upload through the service in one transaction; the number of payments written."""
    from tracker.actuals import service
    from tracker.auth.principal import Principal
    from tracker.db import session_scope
    from tracker.rules import load_rules
    from tracker.scope import Scope

    admin = Principal(username="bench", role="admin", scope=Scope.everything())
    with session_scope(engine) as session:
        summary = service.upload(session=session, source=path, filename=path.name, principal=admin, rules=load_rules())
    assert summary.status == "applied", summary.message
    return summary.payments


def baseline(engine: Engine, path: Path) -> int:
    """The bare load the upload is measured against."""
    frame = pd.read_csv(path)
    frame.to_sql("bench_baseline", engine, if_exists="replace", index=False)
    return len(frame)


def timed(fn: object, *args: object) -> tuple[float, float]:
    """Wall and this process's CPU seconds of one call (on a loaded machine the CPU figure is the steadier;
    on PostgreSQL it leaves out the server's own work)."""
    started, cpu = time.perf_counter(), time.process_time()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - started, time.process_time() - cpu


def compare(label: str, engine: Engine, path: Path) -> float:
    """Best-of-REPEAT seconds for both, alternating so that both see the same machine."""
    ours, bare = [], []
    for _ in range(REPEAT):
        bare.append(timed(baseline, engine, path))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS bench_baseline"))
        ours.append(timed(upload, engine, path))
        clear_actuals(engine)
    wall = [w for w, _ in ours], [w for w, _ in bare]
    cpu = [c for _, c in ours], [c for _, c in bare]
    ratio = min(wall[0]) / min(wall[1])
    verdict = "ok" if ratio <= TARGET else "TOO SLOW"
    print(
        f"{label:<10} {ROWS:>9,} rows  upload {min(wall[0]):6.2f} s (cpu {min(cpu[0]):.2f} s)   "
        f"read_csv+to_sql {min(wall[1]):6.2f} s (cpu {min(cpu[1]):.2f} s)   "
        f"ratio {ratio:4.2f} (cpu {min(cpu[0]) / min(cpu[1]):4.2f})  (goal ≤ {TARGET:.2f}: {verdict})",
        flush=True,
    )
    return ratio


def _run(command: list[str], url: str) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one command run against the database at `url`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compiled() -> None:
    """This checkout's modules byte-compiled, as an installed tracker's are (pip compiles a wheel's modules, the
    Docker image's included) and as pandas' and SQLAlchemy's are for the bare command: otherwise, under
    PYTHONDONTWRITEBYTECODE, every `tracker` start would compile its ~100 modules again (~0.07 s)."""
    for package in ("tracker", "jobs"):
        compileall.compile_dir(ROOT / package, quiet=1)


def whole_process(label: str, engine: Engine, url: str, path: Path) -> float:
    """`tracker actuals upload FILE` as a process against a bare `python -c` read_csv + to_sql; the wall ratio."""
    tracker = Path(sys.executable).with_name("tracker")
    bare_code = (
        "import pandas as pd, sqlalchemy as sa; "
        f"pd.read_csv({str(path)!r}).to_sql('bench_baseline', sa.create_engine({url!r}), if_exists='replace', "
        "index=False)"
    )
    compiled()
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    for _ in range(REPEAT):
        bare.append(_run([sys.executable, "-c", bare_code], url))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS bench_baseline"))
        ours.append(_run([str(tracker), "actuals", "upload", str(path)], url))
        clear_actuals(engine)
    wall, cpu = min(w for w, _ in ours) / min(w for w, _ in bare), min(c for _, c in ours) / min(c for _, c in bare)
    verdict = "ok" if wall <= TARGET else "TOO SLOW"
    print(
        f"{label:<10} {ROWS:>9,} rows  whole process: `tracker actuals upload` {min(w for w, _ in ours):6.2f} s "
        f"(cpu {min(c for _, c in ours):.2f} s)   python -c read_csv+to_sql {min(w for w, _ in bare):6.2f} s "
        f"(cpu {min(c for _, c in bare):.2f} s)   ratio {wall:4.2f} (cpu {cpu:4.2f})  (goal ≤ {TARGET:.2f}: {verdict})",
        flush=True,
    )
    return wall


def child(kind: str, path: str, url: str) -> None:
    """Run in a subprocess: one load of the file, then its time and peak RSS as JSON."""
    from bench._install import peak_mb
    from tracker.db import make_engine

    engine = make_engine(url)
    started = time.perf_counter()
    rows = upload(engine, Path(path)) if kind == "upload" else baseline(engine, Path(path))
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb()}))


def in_child(kind: str, path: Path, url: str) -> dict[str, float]:
    code = f"from bench.upload import child; child({kind!r}, {str(path)!r}, {url!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def memory(
    kind: str, engine: Engine, url: str, small: Path, projects: list[tuple[str, str, int]], workdir: Path
) -> float:
    """Peak RSS of a child process uploading the small and the big file, and of the bare load of the big one;
    the big file's time ratio (each in its own child, imports excluded)."""
    big = workdir / f"payments-{kind}-big.csv"
    write_payments(big, BIG_ROWS, projects)
    seconds = 0.0
    for path, rows in ((small, ROWS), (big, BIG_ROWS)):
        ours = in_child("upload", path, url)
        clear_actuals(engine)
        size = path.stat().st_size / 1024 / 1024
        seconds = ours["seconds"]
        print(
            f"{kind:<10} memory {rows:>9,} rows ({size:3.0f} MB)  upload peak RSS {ours['peak_mb']:4.0f} MB "
            f"({ours['seconds']:.1f} s)",
            flush=True,
        )
    bare = in_child("baseline", big, url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_baseline"))
    ratio = seconds / bare["seconds"]
    verdict = "ok" if ratio <= TARGET else "TOO SLOW"
    print(
        f"{kind:<10} memory {BIG_ROWS:>9,} rows            read_csv+to_sql peak RSS {bare['peak_mb']:4.0f} MB "
        f"({bare['seconds']:.1f} s)   time ratio {ratio:4.2f} (goal ≤ {TARGET:.2f}: {verdict})",
        flush=True,
    )
    return ratio


def measure(kind: str, url: str, workdir: Path) -> list[float]:
    """Both measures of one database in its loaded install; the ratios held to the goal."""
    engine, projects = prepare(url)
    path = workdir / f"payments-{kind}.csv"
    write_payments(path, ROWS, projects[:FILE_PROJECTS])
    size = path.stat().st_size / 1024 / 1024
    print(f"file: {ROWS:,} payment rows over {min(FILE_PROJECTS, len(projects)):,} projects, {size:.1f} MB; "
          f"best of {REPEAT}", flush=True)  # fmt: skip
    ratios = [compare(kind, engine, path), whole_process(kind, engine, url, path)]
    if len(projects) > 2 * FILE_PROJECTS:  # province: the same rows over every project (no goal, shown)
        spread = workdir / f"payments-{kind}-spread.csv"
        write_payments(spread, ROWS, projects)
        print(f"file: {ROWS:,} payment rows over all {len(projects):,} projects (no goal: each touched project "
              "costs its reads, budget check and audit entry)", flush=True)  # fmt: skip
        compare(f"{kind} all", engine, spread)
    if BIG_ROWS:
        ratios.append(memory(kind, engine, url, path, projects[:FILE_PROJECTS], workdir))
    engine.dispose()
    return ratios


def main() -> None:
    from bench._install import KINDS, database

    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        for kind in KINDS:
            with database(kind) as url:  # a temporary SQLite file, a throwaway PostgreSQL schema
                if url is not None:
                    ratios += measure(kind, url, Path(tmp))
    if max(ratios, default=0) > TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
