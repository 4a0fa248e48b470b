"""Two counties with the same unit codes in one install stay apart (DOMAIN.md §1.1, issue 10 "Done means").

抚宁区 (130306) publishes the 昌黎县 (130322) table with its own region code and its own name for unit
314001: the same unit codes, two places. Projects, units, users, pages, exports and alerts keep them apart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, func, select

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay, rejected
from tests.support import DATA, FUNING, WAN, batch, funing_bytes, load_changli
from tests.support import pay as add_payment
from tracker.actuals.template import template_bytes
from tracker.alerts.contacts import set_contacts
from tracker.alerts.service import decide_alerts
from tracker.auth.principal import Principal
from tracker.errors import InvalidInput, NotFound
from tracker.evaluation.export import export_self_evaluation
from tracker.models import Alert, AlertMessage, Dept, Project, Region
from tracker.monitoring.service import project_variances
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import DirSink
from tracker.targets.service import get_project, import_targets, list_projects

CHANGLI = "130322"
FUNING_314001 = Scope.of_units({(FUNING, "314001")})


def two_counties(session: Session) -> None:
    load_changli(session)
    import_targets(session=session, data=funing_bytes(), filename="funing.txt")
    session.flush()


def test_the_same_unit_code_in_two_counties_is_two_units_and_their_projects_stay_apart(session: Session) -> None:
    two_counties(session)
    assert [(r.code, r.name) for r in session.exec(select(Region).order_by(col(Region.code)))] == [
        (FUNING, "秦皇岛市抚宁区"),
        (CHANGLI, "秦皇岛市昌黎县"),
    ]
    units = {(d.region_code, d.name) for d in session.exec(select(Dept).where(Dept.code == "314001"))}
    assert units == {(CHANGLI, "昌黎县民政局本级"), (FUNING, "抚宁区民政局本级")}
    count = select(func.count()).select_from(Project)
    assert session.exec(count).one() == 88
    assert session.exec(count.where(Project.region_code == FUNING, Project.dept_code == "314001")).one() == 9
    import_targets(session=session, data=DATA.read_bytes(), filename="again.txt")  # a re-import merges nothing
    session.flush()
    assert session.exec(count).one() == 88


def test_a_unit_user_of_one_county_sees_nothing_of_the_other(session: Session) -> None:
    two_counties(session)
    mine, total = list_projects(session=session, scope=FUNING_314001, year=2024)
    assert total == 9 and {(p.region_code, p.dept_name) for p in mine} == {(FUNING, "抚宁区民政局本级")}
    rows = project_variances(
        rules=load_rules(), session=session, scope=FUNING_314001, year=2024, as_of=date(2024, 4, 1)
    )
    assert len(rows) == 9 and {v.region_code for v in rows} == {FUNING}
    theirs = session.exec(select(Project.id).where(Project.region_code == CHANGLI, Project.dept_code == "314001"))
    for pid in theirs:
        with pytest.raises(NotFound):
            get_project(session=session, scope=FUNING_314001, project_id=pid)
    workbook = template_bytes(rules=load_rules(), session=session, scope=FUNING_314001, dept_code="314001", year=2024)
    assert workbook[:2] == b"PK"
    with pytest.raises(InvalidInput, match="请指定地区"):  # the province sees two 314001s: which one?
        template_bytes(rules=load_rules(), session=session, scope=Scope.everything(), dept_code="314001", year=2024)


def test_a_unit_user_cannot_book_a_payment_on_the_other_countys_project_of_the_same_unit_code(
    session: Session,
) -> None:
    two_counties(session)
    unit = Principal(username="fn314", role="department", scope=FUNING_314001)
    changli_code = "13032224P00XC0610104L"
    [issue] = rejected(session, csv_bytes(PAY_ZH, [pay(dept="314001", code=changli_code)]), principal=unit)
    assert "没有项目编码" in issue.message and "昌黎" not in issue.message


def test_alerts_go_to_the_unit_of_the_right_county(session: Session) -> None:
    two_counties(session)
    set_contacts(session=session, dept_code="314001", region_code=CHANGLI, emails=["changli@example.cn"])
    set_contacts(session=session, dept_code="314001", region_code=FUNING, emails=["funing@example.cn"])
    b = batch(session)
    low_income = session.exec(select(Project).where(Project.code == "13030624P00XC0610101R")).one()
    add_payment(session, low_income, 100 * WAN, date(2024, 3, 15), b)  # 昌黎县's twin pays nothing: both lag
    session.flush()
    decide_alerts(rules=load_rules(), session=session, as_of=date(2024, 4, 1))
    to_funing = session.exec(select(AlertMessage).where(AlertMessage.recipient == "funing@example.cn")).all()
    to_changli = session.exec(select(AlertMessage).where(AlertMessage.recipient == "changli@example.cn")).all()
    assert to_funing and to_changli
    assert {(m.region_code, m.dept_code) for m in to_funing} == {(FUNING, "314001")}
    assert all("抚宁区民政局本级" in m.subject for m in to_funing)
    assert all("昌黎县民政局本级" in m.subject for m in to_changli)
    funing_alerts = session.exec(select(Alert).where(Alert.recipient == "funing@example.cn")).all()
    codes = session.exec(select(Project.code).where(col(Project.id).in_([a.project_id for a in funing_alerts]))).all()
    assert codes and all(c.startswith(FUNING) for c in codes)


def test_the_self_evaluation_export_names_the_county_and_keeps_two_314001s_apart(
    session: Session, tmp_path: Path
) -> None:
    two_counties(session)
    done = export_self_evaluation(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, sink=DirSink(tmp_path)
    )
    assert (done.projects, done.units) == (88, 26)
    units = sorted(p.name for p in (tmp_path / "units").glob("*314001*"))
    assert units == ["130306-314001-抚宁区民政局本级.xlsx", "130322-314001-昌黎县民政局本级.xlsx"]
    only_mine = export_self_evaluation(
        rules=load_rules(), session=session, scope=FUNING_314001, year=2024, sink=DirSink(tmp_path / "u")
    )
    assert (only_mine.projects, only_mine.units) == (9, 1)
    sheet = load_workbook(next((tmp_path / "u").glob("*.xlsx"))).active
    assert sheet is not None and "地区：秦皇岛市抚宁区（130306）" in str(sheet["A2"].value)
