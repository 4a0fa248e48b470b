"""`python -m bench` (`make bench`): run every benchmark module in this folder, or those named.

Each module has a `main()` that prints its figures (each a ratio against its baseline, measured in
the same run); it exits non-zero when it misses its goal. Everything printed is also written to
docs/benchmarks.md with the machine's details. BENCH_SCALE=small (default), full or province sets the sizes;
BENCH_KINDS=PostgreSQL (or SQLite) measures one database only.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pkgutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


class _Tee(io.TextIOBase):
    """Prints as usual and keeps a copy for the report."""

    def __init__(self, out: io.TextIOBase) -> None:
        self.out, self.kept = out, io.StringIO()

    def write(self, text: str) -> int:
        self.out.write(text)
        self.out.flush()
        return self.kept.write(text)


def modules(names: list[str]) -> list[str]:
    found = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(found)}")
    return names or found


def merge_sections(report: str, new: dict[str, str]) -> str:
    """`report` with each `## bench.NAME` section in `new` replaced (or added before the notes)."""
    parts = report.split("\n## ")
    head, rest = parts[0], ["## " + p for p in parts[1:]]
    done: set[str] = set()
    for i, part in enumerate(rest):
        name = part[len("## bench.") :].split(" ", 1)[0] if part.startswith("## bench.") else ""
        if name in new:
            rest[i], done = new[name].rstrip() + "\n", done | {name}
    notes = next((i for i, p in enumerate(rest) if not p.startswith("## bench.")), len(rest))
    rest[notes:notes] = [new[n].rstrip() + "\n" for n in new if n not in done]
    return "\n".join([head, *rest])


def main() -> None:
    from bench._install import SCALE, machine

    failed: list[str] = []
    sections: list[tuple[str, float, str]] = []
    names = modules(sys.argv[1:])
    for n, name in enumerate(names, start=1):
        print(f"== [{n}/{len(names)}] bench.{name}", flush=True)
        started = time.perf_counter()
        tee = _Tee(sys.stdout)  # type: ignore[arg-type]
        with contextlib.redirect_stdout(tee):
            try:
                importlib.import_module(f"bench.{name}").main()
            except SystemExit as exc:
                if exc.code:
                    failed.append(name)
            except Exception as exc:  # one benchmark's failure must not hide the others' figures
                print(f"bench.{name} failed: {type(exc).__name__}: {exc}", flush=True)
                failed.append(name)
        took = time.perf_counter() - started
        print(f"(bench.{name}: {took:.1f} s)\n", flush=True)
        doc = (importlib.import_module(f"bench.{name}").__doc__ or "").strip().split("\n\n")[0]
        sections.append((name, took, f"{doc}\n\n```\n{tee.kept.getvalue().rstrip()}\n```\n"))
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (f"# Benchmarks\n\nWritten by `make bench` (BENCH_SCALE={SCALE}) on {when}.\n\n"
            f"Machine: {machine()}.\n\nEvery figure is a ratio against a baseline measured in the same run on the "
            f"same machine; missed goals: {', '.join(failed) or 'none'}.\n\n")  # fmt: skip
    if os.environ.get("BENCH_NO_REPORT") != "1":
        if sys.argv[1:] and REPORT.exists():  # some benchmarks only: replace their sections, keep the others
            alone = f"; this section from a run of `python -m bench {' '.join(names)}` on {when}, load average"
            load = f"{os.getloadavg()[0]:.1f}"
            text = merge_sections(REPORT.read_text(encoding="utf-8"), {
                n: f"## bench.{n} ({t:.0f} s{alone} {load})\n\n{body}" for n, t, body in sections
            })  # fmt: skip
        else:
            text = head + "\n".join(f"## bench.{n} ({t:.0f} s)\n\n{body}" for n, t, body in sections)
        REPORT.write_text(text, encoding="utf-8")
        print(f"report written to {REPORT}")
    if failed:
        print(f"missed targets: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
