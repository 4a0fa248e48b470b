"""`python -m bench`: run every benchmark module in this folder (each has a `main()` that prints its ratio)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        try:
            importlib.import_module(f"bench.{name}").main()
        except SystemExit as exc:
            if exc.code:
                failed.append(name)
    if failed:
        print(f"missed targets: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
