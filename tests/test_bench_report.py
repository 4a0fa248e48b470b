"""`python -m bench NAME` rewrites only the sections it ran in docs/benchmarks.md (a partial run used to
replace the whole report with its one section, losing every other figure)."""

from __future__ import annotations

from bench.__main__ import merge_sections

REPORT = """# Benchmarks

Machine: test.

## bench.export (10 s)

export ratio 1.3

## bench.upload (20 s)

upload ratio 2.1

## Notes (profiles and misses)

- a note
"""


def test_a_partial_run_replaces_its_own_section_and_keeps_the_others() -> None:
    merged = merge_sections(REPORT, {"upload": "## bench.upload (5 s; alone)\n\nupload ratio 1.4\n"})
    assert "upload ratio 1.4" in merged and "upload ratio 2.1" not in merged
    assert "export ratio 1.3" in merged and "- a note" in merged and merged.startswith("# Benchmarks")


def test_a_new_benchmark_goes_before_the_notes() -> None:
    merged = merge_sections(REPORT, {"treasury": "## bench.treasury (3 s)\n\ntreasury ratio 1.1\n"})
    headings = [line for line in merged.splitlines() if line.startswith("## ")]
    assert headings == [
        "## bench.export (10 s)", "## bench.upload (20 s)", "## bench.treasury (3 s)", "## Notes (profiles and misses)"
    ]  # fmt: skip
