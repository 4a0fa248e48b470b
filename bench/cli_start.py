"""How fast `tracker` starts (issue 14, item 4): `tracker --help` against a bare `python -c "import typer"`.

Every scripted call pays the start-up, so the CLI imports only what the command runs: no FastAPI,
pandas or SQLModel for `--help`. Measured in one run, alternating, best of BENCH_REPEAT (default 7),
wall time and CPU (user + system) of the child process. A third line is the floor of any typer CLI:
an empty typer app printing its --help (rendering help loads rich's markdown and traceback modules,
which `import typer` alone does not). CPU is the figure compared, as wall time swings with the load
of a shared machine; the target is at most 1.5× the empty app's --help. Before issue 14 item 4,
`tracker --help` took about 2.5 s of CPU on this machine (every feature, FastAPI and pandas loaded).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
TARGET = 1.5
EMPTY_APP = "import typer; app = typer.Typer(); app.command()(lambda: None); app.callback()(lambda: None); app()"


def _tracker() -> list[str]:
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker.cli"]


def _once(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Print the start-up times and ratios; exit 1 when `tracker --help` misses the target."""
    commands = {
        "tracker --help": [*_tracker(), "--help"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "empty typer app --help": [sys.executable, "-c", EMPTY_APP, "--help"],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for cmd in commands.values():
        _once(cmd)  # warm the file cache and .pyc files
    for _ in range(REPEAT):
        for name, cmd in commands.items():
            runs[name].append(_once(cmd))
    best = {name: (min(w for w, _ in r), min(c for _, c in r)) for name, r in runs.items()}
    for name, (wall, cpu) in best.items():
        print(f"{name:26} {wall * 1000:6.0f} ms wall, {cpu * 1000:6.0f} ms CPU (best of {REPEAT})")
    ours, bare, floor = best["tracker --help"], best["python -c 'import typer'"], best["empty typer app --help"]
    print(f"tracker --help vs import typer: {ours[0] / bare[0]:.2f}× wall, {ours[1] / bare[1]:.2f}× CPU")
    ratio = ours[1] / floor[1]
    print(
        f"tracker --help vs empty typer app --help: {ours[0] / floor[0]:.2f}× wall, {ratio:.2f}× CPU"
        f" (target ≤ {TARGET}×)"
    )
    if ratio > TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
