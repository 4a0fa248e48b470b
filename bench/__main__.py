"""Run the benchmarks: every module in bench/ with a `main()`, or those named on the command line."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench


def modules(names: list[str]) -> list[str]:
    found = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(found)}")
    return names or found


def run() -> int:
    failed = 0
    for name in modules(sys.argv[1:]):
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if entry is None:
            continue
        print(f"== bench.{name} ==", flush=True)
        started = time.perf_counter()
        try:
            entry()
        except Exception as exc:  # one benchmark's failure must not hide the others' figures
            failed += 1
            print(f"bench.{name} failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"(bench.{name}: {time.perf_counter() - started:.1f} s)\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
