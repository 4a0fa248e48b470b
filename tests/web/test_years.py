"""The year picker lists the years that have projects the user may see (pages/common.years, issue 14).

It runs on every page view, so it reads the oldest and newest year and probes the years between
instead of reading every project; the answer must be the same as listing the distinct years.
"""

from __future__ import annotations

from sqlmodel import Session, select

from tests.support import load_changli
from tracker.models import Project
from tracker.scope import Scope
from tracker.web.pages.common import YEAR_PROBES, years


def _move(session: Session, count: int, year: int) -> None:
    for p in session.exec(select(Project).where(Project.year == 2024).limit(count)).all():
        p.year = year
    session.flush()


def test_years_skip_a_year_without_projects_and_keep_the_oldest_and_newest(session: Session) -> None:
    load_changli(session)
    assert years(session=session, scope=Scope.everything()) == [2024]
    _move(session, 2, 2021)
    _move(session, 1, 2026)
    assert years(session=session, scope=Scope.everything()) == [2026, 2024, 2021]  # 2025, 2023, 2022 have none


def test_years_are_those_of_the_users_own_projects(session: Session) -> None:
    load_changli(session)
    unit = Scope.of_units([("130322", "314001")])
    mine = session.exec(select(Project).where(Project.dept_code == "314001")).first()
    assert mine is not None
    mine.year = 2022
    _move(session, 1, 2020)  # another unit's project, unless it is the one moved above
    session.flush()
    seen = sorted({p.year for p in session.exec(select(Project).where(Project.dept_code == "314001"))}, reverse=True)
    assert years(session=session, scope=unit) == seen and 2022 in seen


def test_a_wide_span_of_years_is_read_whole(session: Session) -> None:
    load_changli(session)
    _move(session, 1, 2024 - YEAR_PROBES - 5)
    assert years(session=session, scope=Scope.everything()) == [2024, 2024 - YEAR_PROBES - 5]
