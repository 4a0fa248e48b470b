"""Variance of every project against one hand-written SQL aggregate of the same figures (issue 14).

For each size (BENCH_SCALE: small 440 and 4,400 projects, full 4,400 and 44,000) and each database:
`project_variances` of all projects on 30 June (spend only, as the SQL computes) in a child process
with its peak RSS, against one SQL statement computing each project's paid-to-date, planned share
interpolated between checkpoints, planned fen, ratio and light, fetched whole. Prints both, the
ratio (goal ≤ 2) and the growth from the smaller size to the larger (goal ≤ 1.1 × the size ratio).
"""

from __future__ import annotations

import calendar
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench._install import AS_OF, KINDS, SIZES, build, database, log

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def aggregate_sql(day: date) -> str:
    """The whole measure in one statement (portable SQL: SQLite and PostgreSQL)."""
    y = day.year
    ends = ", ".join(f"({m}, {(date(y, m, calendar.monthrange(y, m)[1]) - date(y, 1, 1)).days})" for m in range(1, 13))
    t = (day - date(y, 1, 1)).days
    return f"""
WITH months(m, doy) AS (VALUES {ends}),
cp AS (SELECT c.project_id, mo.doy, c.cumulative_pct AS pct FROM plan_checkpoint c JOIN months mo ON mo.m = c.month),
prev AS (SELECT project_id, max(doy) AS doy FROM cp WHERE doy <= {t} GROUP BY project_id),
nxt AS (SELECT project_id, min(doy) AS doy FROM cp WHERE doy > {t} GROUP BY project_id),
paid AS (SELECT project_id, sum(amount_fen) AS fen FROM payment
         WHERE withdrawn = false AND paid_on <= '{day.isoformat()}' GROUP BY project_id),
m AS (
  SELECT p.id, p.budget_fen, coalesce(paid.fen, 0) AS actual,
         coalesce(pc.pct, 0) + CASE WHEN nc.doy IS NULL THEN 0 ELSE (nc.pct - coalesce(pc.pct, 0)) * 1.0
           * ({t} - coalesce(prev.doy, 0)) / (nc.doy - coalesce(prev.doy, 0)) END AS share,
         pc.pct AS last_pct
  FROM project p
  LEFT JOIN prev ON prev.project_id = p.id LEFT JOIN cp pc ON pc.project_id = p.id AND pc.doy = prev.doy
  LEFT JOIN nxt ON nxt.project_id = p.id LEFT JOIN cp nc ON nc.project_id = p.id AND nc.doy = nxt.doy
  LEFT JOIN paid ON paid.project_id = p.id
  WHERE p.year = {y})
SELECT id, budget_fen, actual, round(budget_fen * share / 100) AS planned,
       CASE WHEN budget_fen * share > 0 THEN actual * 100.0 / (budget_fen * share) END AS ratio,
       CASE WHEN last_pct IS NULL THEN NULL
            WHEN budget_fen * last_pct / 100 - actual < 1000000 OR last_pct <= 0 THEN 'green'
            WHEN actual * 100.0 >= 0.8 * budget_fen * last_pct THEN 'green'
            WHEN actual * 100.0 >= 0.6 * budget_fen * last_pct THEN 'yellow' ELSE 'red' END AS light
FROM m"""


def child(kind: str, url: str) -> None:
    """In a subprocess: one measure, then its time, peak RSS and the sums as JSON."""
    from sqlmodel import Session

    from tracker.db import make_engine
    from tracker.monitoring.service import project_variances
    from tracker.rules import load_rules
    from tracker.scope import Scope

    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        if kind == "ours":
            rows = project_variances(
                session=session, scope=Scope.everything(), year=AS_OF.year, as_of=AS_OF, with_indicators=False,
                rules=load_rules(),
            )  # fmt: skip
            sums = [len(rows), sum(v.spend.actual_fen for v in rows), sum(v.spend.planned_fen for v in rows)]
        else:
            got = session.execute(sa.text(aggregate_sql(AS_OF))).all()
            sums = [len(got), sum(int(r[2]) for r in got), sum(int(r[3]) for r in got)]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "sums": sums}))


def in_child(kind: str, url: str) -> dict[str, object]:
    code = f"from bench.variance import child; child({kind!r}, {url!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    missed = False
    for kind in KINDS:
        times: list[tuple[int, float]] = []
        for counties, per in SIZES:
            with database(kind) as url, tempfile.TemporaryDirectory() as tmp:
                if url is None:
                    break
                log(f"{kind}: building {counties * per:,} projects …")
                build(url, counties, per, workdir=Path(tmp)).dispose()
                sql = min((in_child("sql", url) for _ in range(2)), key=lambda r: r["seconds"])  # type: ignore[arg-type, return-value]
                ours = in_child("ours", url)
                ratio = float(ours["seconds"]) / float(sql["seconds"])  # type: ignore[arg-type]
                same = "same sums" if ours["sums"] == sql["sums"] else f"sums differ {ours['sums']} vs {sql['sums']}"
                log(f"{kind:<10} {counties * per:>7,} projects  variance {ours['seconds']:7.2f} s "
                    f"(peak {ours['peak_mb']:5.0f} MB)  SQL aggregate {sql['seconds']:6.2f} s "
                    f"(peak {sql['peak_mb']:4.0f} MB)"
                    f"  ratio {ratio:5.1f} (goal ≤ {TARGET}) [{same}]")  # fmt: skip
                missed |= ratio > TARGET
                times.append((counties * per, float(ours["seconds"])))  # type: ignore[arg-type]
        if len(times) == 2:
            (n0, t0), (n1, t1) = times
            growth = (t1 / t0) / (n1 / n0)
            log(f"{kind:<10} growth {n0:,} → {n1:,} projects: time × {t1 / t0:.1f} for size × {n1 / n0:.1f} "
                f"(per project × {growth:.2f}, goal ≤ 1.10)")  # fmt: skip
            missed |= growth > 1.1
    if missed:
        raise SystemExit(1)
