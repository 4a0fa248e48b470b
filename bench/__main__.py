"""`python -m bench` (`make bench`): run every benchmark module in this folder, or those named.

Each module has a `main()` that prints its figures; it exits non-zero when it misses its target.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def modules(names: list[str]) -> list[str]:
    found = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(found)}")
    return names or found


def main() -> None:
    failed = []
    for name in modules(sys.argv[1:]):
        print(f"== bench.{name}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except SystemExit as exc:
            if exc.code:
                failed.append(name)
        except Exception as exc:  # one benchmark's failure must not hide the others' figures
            print(f"bench.{name} failed: {type(exc).__name__}: {exc}", flush=True)
            failed.append(name)
        print(f"(bench.{name}: {time.perf_counter() - started:.1f} s)\n", flush=True)
    if failed:
        print(f"missed targets: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
