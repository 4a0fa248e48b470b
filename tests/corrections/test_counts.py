"""The dashboard's 整改通知 numbers (corrections.service.counts) are the totals of the list's `open` and
`overdue` selections, counted in one statement (issue 14): open = issued, answered or returned;
overdue = issued or returned (waiting on the unit) past its deadline; by year and by scope."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tests.support import load_changli
from tracker.corrections.service import counts, list_notices
from tracker.models import CorrectionNotice, Project
from tracker.scope import Scope

TODAY = date(2024, 7, 10)


def _notices(session: Session) -> None:
    load_changli(session)
    projects = session.exec(select(Project).order_by(Project.id)).all()
    mine = [p for p in projects if p.dept_code == "314001"][:2]
    other = next(p for p in projects if p.dept_code != "314001")
    rows = [  # (project, state, due, year)
        (mine[0], "issued", date(2024, 7, 1), 2024),  # open, overdue
        (mine[0], "returned", date(2024, 7, 9), 2024),  # open, overdue
        (mine[1], "answered", date(2024, 7, 1), 2024),  # open, waiting on the bureau: not overdue
        (mine[1], "issued", date(2024, 7, 20), 2024),  # open, not yet due
        (mine[1], "accepted", date(2024, 6, 1), 2024),  # closed
        (other, "issued", date(2024, 6, 1), 2024),  # another unit's: open, overdue
        (mine[0], "issued", date(2023, 12, 1), 2023),  # another year: open, overdue
    ]
    for p, state, due, year in rows:
        session.add(CorrectionNotice(project_id=p.id, year=year, dept_code=p.dept_code, region_code=p.region_code,
                                     problem="进度滞后", due_on=due, state=state))  # fmt: skip
    session.flush()


def _listed(session: Session, scope: Scope, year: int | None) -> dict[str, int]:
    return {
        k: list_notices(session=session, scope=scope, today=TODAY, state=k, year=year)[1] for k in ("open", "overdue")
    }


def test_counts_are_the_open_and_overdue_totals_of_the_list(session: Session) -> None:
    _notices(session)
    everything, unit = Scope.everything(), Scope.of_units([("130322", "314001")])
    assert counts(session=session, scope=everything, today=TODAY, year=2024) == {"open": 5, "overdue": 3}
    assert counts(session=session, scope=unit, today=TODAY, year=2024) == {"open": 4, "overdue": 2}
    assert counts(session=session, scope=everything, today=TODAY) == {"open": 6, "overdue": 4}
    for scope in (everything, unit):
        for year in (2024, 2023, None):
            assert counts(session=session, scope=scope, today=TODAY, year=year) == _listed(session, scope, year)
