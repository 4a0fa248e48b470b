"""The self-evaluation export in worker processes writes the same files as the serial export.

Rule checked: parallel writing changes nothing but speed — the same file names, and every part of
each workbook byte for byte (except docProps/core.xml, which holds the moment of writing), with
progress reported up to the total and no half-written `.part` file left behind.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.evaluation.test_selfeval import EVERYONE, table1_year, table44_year
from tests.evaluation.yearend import load
from tracker.evaluation import export
from tracker.evaluation.export import export_self_evaluation
from tracker.rules import load_rules
from tracker.shared.export import DirSink
from tracker.shared.parallel import worker_count

STAMPED = "docProps/core.xml"  # xlsxwriter writes the creation time here


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != STAMPED}


def files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_the_parallel_export_writes_the_same_workbooks_as_the_serial_one(
    session: Session, changli_bytes: bytes, tmp_path: Path
) -> None:
    projects, batch = load(session, changli_bytes)
    table1_year(session, batch, projects[1])
    table44_year(session, batch, projects[44])
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    one = export_self_evaluation(session=session, scope=EVERYONE, year=2024, sink=DirSink(serial), rules=load_rules())
    seen: list[tuple[int, int]] = []
    two = export_self_evaluation(
        session=session, scope=EVERYONE, year=2024, sink=DirSink(parallel), workers=2, rules=load_rules(),
        progress=lambda n, total, _: seen.append((n, total)),
    )  # fmt: skip
    assert two.files == one.files and len(one.files) == one.projects + one.units + 1
    assert files(parallel) == files(serial) and not any(p.name.endswith(".part") for p in parallel.rglob("*"))
    for name in files(serial):
        assert parts(parallel / name) == parts(serial / name), name
    assert seen[-1] == (len(one.files), len(one.files)) and len(seen) > 2  # progress as batches finish


def test_workers_are_the_smaller_of_the_cpus_and_the_setting() -> None:
    import os

    cpus = os.cpu_count() or 1
    assert worker_count(1) == 1 and worker_count(cpus + 5) == cpus and worker_count(0) == 1


def test_scoring_a_few_units_at_a_time_writes_the_same_files_as_one_piece(
    session: Session, changli_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: the export reads and scores whole units a piece at a time (bounded memory at 60,000 projects);
    how the projects are cut into pieces changes no file, no name, no order and no count, serial or parallel."""
    projects, batch = load(session, changli_bytes)
    table1_year(session, batch, projects[1])
    table44_year(session, batch, projects[44])
    whole = export_self_evaluation(
        session=session, scope=EVERYONE, year=2024, sink=DirSink(tmp_path / "whole"), rules=load_rules()
    )
    monkeypatch.setattr(export, "PIECE", 5)  # 13 units of 1 to 8 projects: pieces of one or a few units
    chosen = export.select_projects(session=session, scope=EVERYONE, year=2024, dept_code=None, region_code=None)
    pieces = list(chosen.pieces())
    assert len(pieces) > 5 and sorted(i for piece in pieces for i in piece) == sorted(chosen.ids)
    for workers in (1, 2):
        root = tmp_path / f"pieces{workers}"
        cut = export_self_evaluation(
            session=session, scope=EVERYONE, year=2024, sink=DirSink(root), rules=load_rules(), workers=workers
        )
        assert cut.files == whole.files and files(root) == files(tmp_path / "whole")
        assert (cut.incomplete, cut.missing_reasons) == (whole.incomplete, whole.missing_reasons) != (0, 0)
        for name in files(root):
            assert parts(root / name) == parts(tmp_path / "whole" / name), name
