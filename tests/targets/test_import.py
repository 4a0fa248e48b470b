"""Importing into the database, on SQLite and PostgreSQL: counts, identity, idempotency, all-or-nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from tracker.errors import InvalidInput
from tracker.models import BudgetChange, Dept, ImportRecord, Indicator, PlanCheckpoint, Project, Region
from tracker.scope import Scope
from tracker.targets.service import import_targets, list_projects


def count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_import_gives_44_projects_405_indicators_and_the_budget_total(session: Session, changli_bytes: bytes) -> None:
    summary = import_targets(session=session, data=changli_bytes, filename="changli.txt")
    assert (summary.projects, summary.indicators, summary.created) == (44, 405, 44)
    assert count(session, Project) == 44
    assert count(session, Indicator) == 405
    assert session.exec(select(func.sum(Project.budget_fen))).one() == 24_596_120_000
    assert count(session, Dept) == len({p.dept_code for p in session.exec(select(Project))})
    assert count(session, BudgetChange) == 0  # 年初 is the project's own figure; changes come later
    assert [(r.code, r.name) for r in session.exec(select(Region))] == [("130322", "秦皇岛市昌黎县")]
    assert {p.region_code for p in session.exec(select(Project))} == {"130322"}


def test_reimport_updates_in_place_and_never_duplicates(session: Session, changli_bytes: bytes) -> None:
    import_targets(session=session, data=changli_bytes, filename="a.txt")
    ids = sorted(p.id for p in session.exec(select(Project)))
    again = import_targets(session=session, data=changli_bytes.replace(b"\n", b"\r\n"), filename="b.txt")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 44)
    assert sorted(p.id for p in session.exec(select(Project))) == ids
    assert count(session, Indicator) == 405
    assert count(session, PlanCheckpoint) == sum(1 for _ in session.exec(select(PlanCheckpoint)))
    assert count(session, ImportRecord) == 2


def test_reimport_of_a_changed_table_updates_that_project_only(session: Session, changli_bytes: bytes) -> None:
    import_targets(session=session, data=changli_bytes, filename="a.txt")
    changed = changli_bytes.replace("≥2500人".encode(), "≥2600人".encode(), 1)
    summary = import_targets(session=session, data=changed, filename="b.txt")
    assert (summary.updated, summary.unchanged) == (1, 43)
    ind = session.exec(select(Indicator).where(Indicator.target_text == "≥2600人")).one()
    assert ind.seq == 1 and int(ind.value or 0) == 2600
    assert count(session, Indicator) == 405


def test_same_code_under_two_units_is_two_projects(session: Session, changli_bytes: bytes) -> None:
    import_targets(session=session, data=changli_bytes, filename="a.txt")
    rows = session.exec(select(Project).where(Project.code == "13032224P002R2X10071K")).all()
    assert sorted(p.dept_code for p in rows) == ["360001", "360004"]


def test_table_44_is_stored_incomplete(session: Session, changli_bytes: bytes) -> None:
    import_targets(session=session, data=changli_bytes, filename="a.txt")
    incomplete = session.exec(select(Project).where(Project.incomplete == True)).all()  # noqa: E712
    assert [p.heading_no for p in incomplete] == [44]


@pytest.mark.parametrize("data", [b"", b"   \n", b"random words\nmore words\n", bytes(range(256))])
def test_unreadable_input_raises_and_writes_nothing(session: Session, data: bytes) -> None:
    with pytest.raises(InvalidInput) as info:
        import_targets(session=session, data=data, filename="bad.txt")
    assert "行" in info.value.detail
    assert count(session, Project) == 0 and count(session, ImportRecord) == 0


def test_list_is_scoped_to_the_callers_units(session: Session, changli_bytes: bytes) -> None:
    import_targets(session=session, data=changli_bytes, filename="a.txt")
    mine, total = list_projects(session=session, scope=Scope.of_units({("130322", "360004")}), year=2024)
    assert total == 2 and {p.dept_code for p in mine} == {"360004"}
