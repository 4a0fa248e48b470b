"""Importing a county costs that county's file, not the install: the same statements however many others are stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event
from sqlmodel import Session, func, select

from tracker.demo.generate import Options, generate
from tracker.models import Dept, Indicator, PlanCheckpoint, Project, Region
from tracker.targets.service import import_targets


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    out = tmp_path_factory.mktemp("counties")
    manifest = generate(options=Options(counties=5, seed=3, projects=6), out=out)
    return [(Path(out) / c["targets"]).read_bytes() for c in manifest["counties"]]  # type: ignore[attr-defined]


@contextmanager
def statements(session: Session) -> Iterator[list[tuple[str, int]]]:
    """Every statement the session sends inside the block, with the rows it touched (-1 where the driver can't say)."""
    seen: list[tuple[str, int]] = []
    engine = session.get_bind().engine

    def after(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append((statement, cursor.rowcount))

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", after)


def _import(session: Session, data: bytes) -> list[tuple[str, int]]:
    with statements(session) as seen:
        import_targets(session=session, data=data, filename="county.txt")
    return seen


def _forget(session: Session, region: str) -> None:
    session.execute(delete(Project).where(Project.region_code == region))  # type: ignore[arg-type]
    session.execute(delete(Dept).where(Dept.region_code == region))  # type: ignore[arg-type]
    session.execute(delete(Region).where(Region.code == region))  # type: ignore[arg-type]


def test_importing_a_county_sends_the_same_statements_beside_one_or_four_other_counties(
    session: Session, counties: list[bytes]
) -> None:
    first, *others = counties
    import_targets(session=session, data=others[0], filename="other.txt")
    beside_one = _import(session, first)
    region = session.exec(select(Project.region_code).order_by(Project.id.desc())).first()  # type: ignore[union-attr]
    assert region is not None
    _forget(session, region)
    for data in others[1:]:
        import_targets(session=session, data=data, filename="other.txt")
    assert session.exec(select(func.count()).select_from(Project)).one() == 4 * 6
    beside_four = _import(session, first)
    assert beside_four == beside_one  # same statements, each touching as many rows
    assert session.exec(select(func.count()).select_from(Project)).one() == 5 * 6
    assert session.exec(select(func.count()).select_from(Indicator)).one() > 5 * 6
    assert session.exec(select(func.count()).select_from(PlanCheckpoint)).one() > 0
