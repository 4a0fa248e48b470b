"""Treasury payment exports (issue 11): reading and booking a 100,000-row export vs bare pandas + to_sql.

A 国库集中支付 export of BENCH_TREASURY_ROWS (100,000) payments over the 昌黎县 projects (amounts in 元,
code-and-name unit cells, 资金性质, a refund every 50th row, a voucher each), as CSV and as XLSX, uploaded
through `tracker.actuals.service.upload` (checks, voucher identities, bulk writes, audit, commit) against
the bare `pandas.read_csv` / `pandas.read_excel` + `DataFrame.to_sql` of the same file into the same
database, alternating, best of BENCH_REPEAT; the goal is a ratio of at most 2. SQLite always, PostgreSQL
when reachable (as bench.upload finds it).
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench._install import database
from bench.upload import DATA, REPEAT

ROWS = int(os.environ.get("BENCH_TREASURY_ROWS", "100000"))
TARGET = 2.0
HEADER = ["支付凭证号", "预算单位", "项目编码", "项目名称", "资金性质", "指标文号", "功能分类科目", "经济分类科目"]
HEADER += ["实际支付金额", "支付日期", "用途", "退回标志"]
SOURCES = ["本年财政拨款", "上年结转资金", "其他资金"]
os.environ.setdefault("TRACKER_UPLOAD_MAX_BYTES", str(1 << 30))


def step(text: str) -> None:
    print(f"  … {text}", flush=True)


def prepare(url: str) -> tuple[Engine, list[tuple[str, str, str, int]]]:
    """A migrated database with the 昌黎县 targets; its (unit, project, name, budget) list."""
    from sqlmodel import select

    from tracker import migrate
    from tracker.db import make_engine, session_scope
    from tracker.models import Dept, Project
    from tracker.targets.service import import_targets

    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name)
    with session_scope(engine) as session:
        names = {d.code: d.name for d in session.exec(select(Dept))}
        found = session.exec(select(Project)).all()
        projects = [(p.dept_code, names.get(p.dept_code, ""), p.code, p.budget_fen) for p in found]
    return engine, projects


def rows(projects: list[tuple[str, str, str, int]]) -> list[list[str]]:
    """Payments spread over every project and the year, each project's total well inside its budget."""
    out, per = [], -(-ROWS // len(projects))
    for n in range(ROWS):
        dept, dept_name, code, budget = projects[n % len(projects)]
        fen = max(1, budget // (per * 4))
        refund = n % 50 == 49
        yuan = f"{'-' if refund else ''}{fen // 100}.{fen % 100:02d}"
        day = date(2024, 1, 1) + timedelta(days=n % 366)
        out.append(
            [f"ZF2024{n:08d}", f"{dept} {dept_name}", code, "项目", SOURCES[n % 3], "冀财〔2024〕1号", "2080204",
             "30305", yuan, f"{day.isoformat()} 10:00:00", f"第{n}笔" if n % 3 else "", "退回" if refund else ""]
        )  # fmt: skip
    return out


def write_csv(path: Path, data: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(data)


def write_xlsx(path: Path, data: list[list[str]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("支付明细")
    sheet.write_row(0, 0, HEADER)
    for r, values in enumerate(data, start=1):
        sheet.write_row(r, 0, values[:8])
        sheet.write_number(r, 8, float(values[8]))  # amounts are numbers in an exported workbook
        sheet.write_row(r, 9, values[9:])
    book.close()


def clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("audit_entry", "batch_period", "payment", "upload_batch"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_baseline"))


def upload(engine: Engine, path: Path) -> None:
    from tracker.actuals import service
    from tracker.auth.principal import Principal
    from tracker.db import session_scope
    from tracker.rules import load_rules
    from tracker.scope import Scope

    admin = Principal(username="bench", role="admin", scope=Scope.everything())
    with session_scope(engine) as session:
        summary = service.upload(session=session, source=path, filename=path.name, principal=admin, rules=load_rules())
    assert summary.status == "applied" and summary.payments == ROWS, summary.message


def baseline(engine: Engine, path: Path) -> None:
    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    else:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    frame.to_sql("bench_baseline", engine, if_exists="replace", index=False)
    assert len(frame) == ROWS


def timed(fn: Callable[[Engine, Path], None], engine: Engine, path: Path) -> float:
    started = time.perf_counter()
    fn(engine, path)
    return time.perf_counter() - started


def compare(label: str, engine: Engine, path: Path) -> float:
    ours, bare = [], []
    for n in range(REPEAT):
        step(f"{label} {path.suffix}: run {n + 1}/{REPEAT}, bare pandas + to_sql")
        bare.append(timed(baseline, engine, path))
        clear(engine)
        step(f"{label} {path.suffix}: run {n + 1}/{REPEAT}, upload")
        ours.append(timed(upload, engine, path))
        clear(engine)
    ratio = min(ours) / min(bare)
    verdict = "ok" if ratio <= TARGET else "TOO SLOW"
    kind = "read_csv" if path.suffix == ".csv" else "read_excel"
    print(
        f"{label:<10} {path.suffix[1:]:<4} {ROWS:>9,} rows  upload {min(ours):6.2f} s   "
        f"{kind}+to_sql {min(bare):6.2f} s   ratio {ratio:4.2f}  (goal ≤ {TARGET:.2f}: {verdict})",
        flush=True,
    )
    return ratio


Projects = list[tuple[str, str, str, int]]  # unit, unit name, project code, budget in fen


def run(label: str, url: str, files: list[Path], make: Callable[[Projects], None]) -> list[float]:
    step(f"{label}: migrating and importing the 昌黎县 targets")
    engine, projects = prepare(url)
    make(projects)
    try:
        return [compare(label, engine, path) for path in files]
    finally:
        engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        workdir = Path(tmp)
        files = [workdir / "zf.csv", workdir / "zf.xlsx"]

        def make(projects: list[tuple[str, str, str, int]]) -> None:
            if files[0].exists():
                return
            step(f"writing a {ROWS:,}-row export as CSV and XLSX")
            data = rows(projects)
            write_csv(files[0], data)
            write_xlsx(files[1], data)
            sizes = ", ".join(f"{p.suffix[1:]} {p.stat().st_size / 1024 / 1024:.1f} MB" for p in files)
            print(f"files: {ROWS:,} payments over {len(projects)} projects ({sizes}); best of {REPEAT}", flush=True)

        ratios = run("SQLite", f"sqlite:///{workdir / 'bench.db'}", files, make)
        with database("PostgreSQL") as pg_url:  # a throwaway schema, or None when unreachable
            if pg_url is not None:
                ratios += run("PostgreSQL", pg_url, files, make)
    if max(ratios) > TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
