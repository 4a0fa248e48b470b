"""Installs of any size for the benchmarks: generated counties imported, a year of payments stored.

Targets go through the real importer (as an operator would load them); the payments and results
are the benchmark's setting, not what it measures, so they are written in bulk straight into the
tables. Sizes come from BENCH_SCALE: `small` (the default, minutes), `full` (the issue's sizes) or
`province` (4,400 → 60,000 projects, a province's year); BENCH_KINDS=PostgreSQL (or SQLite) measures one
database only.
"""

from __future__ import annotations

import os
import platform
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

SCALE = os.environ.get("BENCH_SCALE", "small")
PG_URL = os.environ.get(
    "TRACKER_BENCH_PG_URL", os.environ.get("TRACKER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
)
AS_OF = date(2024, 6, 30)
# (counties, projects per county): small measures 440 → 4,400 (10×); full 4,400 → 44,000 (10×);
# province 4,400 → 60,000 (13.6×)
SIZES = {
    "small": [(10, 44), (100, 44)],
    "full": [(100, 44), (125, 352)],
    "province": [(100, 44), (125, 480)],
}[SCALE]


def log(message: str) -> None:
    print(message, flush=True)


def peak_mb() -> float:
    """This process's own peak RSS in MB: VmHWM on Linux. getrusage's ru_maxrss there keeps, across exec, what the
    forking parent held (the benchmark's own process, pandas and the install built), not what the child used."""
    with suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    """CPU, cores, memory and versions, for the report."""
    cpu = platform.processor() or platform.machine()
    with suppress(OSError, StopIteration), open("/proc/cpuinfo") as info:
        cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}; {os.cpu_count()} cores; {mem:.1f} GB RAM; load average {load}; Python {platform.python_version()};"
            f" {platform.system()} {platform.release()}")  # fmt: skip


KINDS = tuple(k for k in ("SQLite", "PostgreSQL") if k in os.environ.get("BENCH_KINDS", "SQLite,PostgreSQL").split(","))


@contextmanager
def database(kind: str) -> Iterator[str | None]:
    """A fresh empty database of that kind (a temporary SQLite file, a throwaway PostgreSQL schema), or None."""
    if kind == "SQLite":
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # unreachable: SQLite only, said in the report
        log(f"PostgreSQL skipped: {PG_URL} unreachable ({type(exc).__name__})")
        yield None
        return
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def build(
    url: str, counties: int, per_county: int, *, results: bool = False, oversight: bool = False, workdir: Path
) -> Engine:
    """A migrated database holding `counties` × `per_county` projects of 2024 and their payments to AS_OF;
    `oversight`: also budget changes, the units' forecasts and key listings (`_oversight`)."""
    from sqlmodel import Session

    from tracker import migrate
    from tracker.actuals.payments import amount_fen, insert
    from tracker.core.budget import DEFAULT_SOURCE
    from tracker.db import make_engine, session_scope
    from tracker.demo.generate import Options, generate
    from tracker.models import UploadBatch
    from tracker.targets.service import import_targets

    started = time.perf_counter()
    migrate.upgrade(url)
    engine = make_engine(url)
    out = workdir / f"demo-{counties}x{per_county}"
    options = Options(counties=counties, seed=1, projects=per_county, as_of=AS_OF)
    manifest = generate(options=options, out=out, progress=_every(started, "generated", "counties"))
    listed: list[dict[str, Any]] = manifest["counties"]  # type: ignore[assignment]
    imported = _every(time.perf_counter(), "imported", "counties (targets, through the importer)")
    for n, county in enumerate(listed, start=1):
        with session_scope(engine) as session:
            import_targets(session=session, data=(out / county["targets"]).read_bytes(), filename="t.txt")
        imported(n, counties)
    log(f"  storing payments{' and results' if results else ''} in bulk ({time.perf_counter() - started:.0f} s)")
    with engine.connect() as conn:
        ids = {(d, c): i for i, d, c in conn.execute(sa.text("SELECT id, dept_code, code FROM project"))}
    frames = [pd.read_csv(out / c["payments"], dtype=str, keep_default_na=False) for c in listed]
    pay = pd.concat(frames, ignore_index=True)
    fen = pay["金额（万元）"].map(lambda a: amount_fen(a)[0])
    frame = pd.DataFrame({
        "project_id": [ids[(d, c)] for d, c in zip(pay["单位编码"], pay["项目编码"], strict=True)],
        "paid_on": pay["支付日期"], "amount_fen": fen, "note": pay["备注"], "row": range(2, len(pay) + 2),
        "payment_id": 0, "voucher": "", "source": DEFAULT_SOURCE.value,  # all new, typed without a voucher
    })  # fmt: skip
    with Session(engine) as session:
        batch = UploadBatch(filename="bench.csv", sha256=uuid.uuid4().hex * 2, payments=len(frame))
        session.add(batch)
        session.flush()
        assert batch.id is not None
        insert(session, frame, batch.id)
        session.commit()
        batch_id = batch.id
    if results:
        _results(engine, out, manifest, ids)
    if oversight:
        _oversight(engine, batch_id)
    analyze(engine)
    seconds = time.perf_counter() - started
    log(f"  install: {counties * per_county:,} projects, {len(frame):,} payments ({seconds:.0f} s to build)")
    return engine


def _every(started: float, done: str, what: str) -> Callable[[int, int], None]:
    """Progress for long builds: a line every 25 items (or ~30 s), with the time since `started`."""
    last = [started]

    def tell(n: int, total: int) -> None:
        now = time.perf_counter()
        if n % 25 == 0 or n == total or now - last[0] > 30:
            last[0] = now
            log(f"  {done} {n}/{total} {what} ({now - started:.0f} s)")

    return tell


def analyze(engine: Engine) -> None:
    """PostgreSQL: statistics of the freshly loaded tables, as autovacuum gathers them within a minute of a
    bulk load in production; without them the planner takes every table for a few rows (nested loops)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def _results(engine: Engine, out: Path, manifest: dict[str, object], ids: dict[tuple[str, str], int]) -> None:
    from tracker.actuals import service
    from tracker.auth.principal import Principal
    from tracker.db import session_scope
    from tracker.rules import load_rules
    from tracker.scope import Scope

    admin, rules = Principal(username="bench", role="admin", scope=Scope.everything()), load_rules()
    for county in manifest["counties"]:  # type: ignore[attr-defined]
        with session_scope(engine) as session:
            service.upload(
                session=session, source=out / county["results"], filename="r.csv", principal=admin, rules=rules
            )


def _oversight(engine: Engine, batch_id: int) -> None:
    """Budget changes, project reports (全年预计执行数) and key listings on a fixed share of the projects, some
    of each dated after AS_OF (so that the measuring day decides), written in bulk like the payments.

    By the n-th project in id order: n % 6 == 0 raised 10% on 15 April, n % 6 == 3 cut 5% on 30 September,
    n % 9 == 1 a carry-over of 50万 (there all year); n % 5 == 0 a forecast of 90% on 31 March, n % 10 == 0 a
    later report on 31 May without one (the earlier forecast stands), n % 15 == 0 a superseded report on 30 June,
    n % 5 == 2 a forecast dated 31 July; n % 8 == 0 listed on 31 May, n % 8 == 4 listed on 31 August.
    """
    from tracker.models import BudgetChange, KeyListing, ProjectReport

    now = sa.func.current_timestamp()
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT id, year, dept_code, region_code, budget_fen FROM project ORDER BY id"))
        projects = list(rows)
        changes, reports, keys = [], [], []
        for n, (pid, year, dept, region, budget) in enumerate(projects):
            budget = int(budget)
            change = {"project_id": pid, "doc": "", "reason": "bench", "source": "本年财政拨款", "recorded_by": None}
            for due, kind, on, amount in (
                (n % 6 == 0, "adjustment", date(year, 4, 15), budget // 10),
                (n % 6 == 3, "adjustment", date(year, 9, 30), -(budget // 20)),
                (n % 9 == 1, "carryover", date(year, 8, 1), 50_000_000),  # 50万, there all year
            ):
                if due:
                    changes.append({**change, "kind": kind, "effective_on": on, "amount_fen": amount})
            report = {"project_id": pid, "batch_id": batch_id, "narrative": "", "is_current": True, "row_no": 0}
            if n % 5 == 0:
                reports.append({**report, "as_of": date(year, 3, 31), "forecast_fen": budget * 9 // 10})
            if n % 10 == 0:
                reports.append({**report, "as_of": date(year, 5, 31), "forecast_fen": None, "narrative": "进展顺利"})
            if n % 15 == 0:
                reports.append({**report, "as_of": date(year, 6, 30), "forecast_fen": budget, "is_current": False})
            if n % 5 == 2:
                reports.append({**report, "as_of": date(year, 7, 31), "forecast_fen": budget // 2})
            key = {"project_id": pid, "year": year, "dept_code": dept, "region_code": region, "budget_fen": budget,
                   "actual_fen": 0, "rate": None}  # fmt: skip
            if n % 8 == 0:
                keys.append({**key, "tier": "5月底", "on_date": date(year, 5, 31)})
            if n % 8 == 4:
                keys.append({**key, "tier": "8月底", "on_date": date(year, 8, 31)})
        tables: list[Any] = [BudgetChange.__table__, ProjectReport.__table__, KeyListing.__table__]  # type: ignore[attr-defined]
        for table, values in zip(tables, (changes, reports, keys), strict=True):
            if values:
                conn.execute(table.insert().values(created_at=now), values)
    log(f"  oversight: {len(changes):,} budget changes, {len(reports):,} project reports, {len(keys):,} key listings")
