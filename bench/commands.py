"""Every scheduled job and reporting command as the install grows: time and peak memory (issue 14).

For each database and each size of BENCH_SCALE (small 440 → 4,400 projects, full 4,400 → 44,000,
province 4,400 → 60,000), with a year of payments and results loaded: each command below run as
its own `tracker` process, as cron or an operator runs it, its wall time and its peak RSS (read by a
launcher process that waits for it alone). Goals per command from the smaller size to the larger:
time × at most 1.1 × the size ratio (growth 10× size → ≤ 11× time), and peak memory bounded: at
most 1.5× the smaller size's for 10× the projects (one piece of projects in memory, not the install).
The memory goal is checked where the smaller size fills at least one piece (SET_CHUNK projects): below
that, memory grows with the piece as it fills, which is what the small scale's 440 → 4,400 shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._install import AS_OF, KINDS, SIZES, build, database, log
from tracker.monitoring.spend_set import SET_CHUNK

ROOT = Path(__file__).resolve().parent.parent
DAY = AS_OF.isoformat()
YEAR = str(AS_OF.year)
COMMANDS: dict[str, list[str]] = {
    "variance show": ["variance", "show", "--year", YEAR, "--as-of", DAY, "--format", "json"],
    "jobs run variance": ["jobs", "run", "variance", "--as-of", DAY],
    "jobs run alerts": ["jobs", "run", "alerts", "--as-of", DAY],
    "targets review": ["targets", "review", "--year", YEAR, "--format", "json"],
    "report ranking": ["report", "ranking", "--year", YEAR, "--as-of", DAY, "--format", "json"],
}
TIME_GROWTH, MEMORY_GROWTH = 1.1, 1.5
LAUNCHER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rc": done.returncode, "err": done.stderr[-400:]}))
"""


def _tracker() -> list[str]:
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker.cli"]


def run(args: list[str], env: dict[str, str]) -> dict[str, object]:
    """One command in its own process: its wall time, peak RSS (MB) and exit code."""
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *_tracker(), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=3600,
    )  # fmt: skip
    return dict(json.loads(launched.stdout.strip().splitlines()[-1]))


def measure(kind: str, counties: int, per: int) -> dict[str, dict[str, object]] | None:
    with database(kind) as url, tempfile.TemporaryDirectory() as tmp:
        if url is None:
            return None
        log(f"{kind}: building {counties * per:,} projects with payments and results …")
        build(url, counties, per, results=True, workdir=Path(tmp)).dispose()
        env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_VAR_DIR": str(Path(tmp) / "var")}
        found: dict[str, dict[str, object]] = {}
        for n, (name, args) in enumerate(COMMANDS.items(), start=1):
            log(f"  … [{n}/{len(COMMANDS)}] tracker {name}")
            got = found[name] = run(args, env)
            state = "ok" if got["rc"] == 0 else f"exit {got['rc']}: {str(got['err']).strip()[-200:]}"
            log(f"{kind:<10} {counties * per:>7,} projects  tracker {name:<18} {float(got['seconds']):8.2f} s"  # type: ignore[arg-type]
                f"  peak {float(got['peak_mb']):6.0f} MB  {state}")  # type: ignore[arg-type]  # fmt: skip
        return found


def main() -> None:
    missed = False
    (c0, p0), (c1, p1) = SIZES
    size = (c1 * p1) / (c0 * p0)
    memory_checked = c0 * p0 >= SET_CHUNK
    for kind in KINDS:
        small, large = measure(kind, c0, p0), measure(kind, c1, p1)
        if small is None or large is None:
            continue
        for name in COMMANDS:
            a, b = small[name], large[name]
            failed = a["rc"] != 0 or b["rc"] != 0
            t = float(b["seconds"]) / float(a["seconds"])  # type: ignore[arg-type]
            m = float(b["peak_mb"]) / float(a["peak_mb"])  # type: ignore[arg-type]
            ok = not failed and t <= TIME_GROWTH * size and (m <= MEMORY_GROWTH or not memory_checked)
            goal = f"goal ≤ {MEMORY_GROWTH}" if memory_checked else f"not checked: {c0 * p0:,} < one piece"
            log(f"{kind:<10} growth × {size:.0f} projects  tracker {name:<18} time × {t:5.1f} "
                f"(goal ≤ {TIME_GROWTH * size:.0f})  peak memory × {m:4.2f} ({goal})"
                f"  {'ok' if ok else 'MISSED'}")  # fmt: skip
            missed |= not ok
    if missed:
        raise SystemExit(1)
