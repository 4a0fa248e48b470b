"""The monthly 通报 (DOMAIN.md §8): 昌黎县 units at 30 June 2024 ranked by execution against plan, with the
hand computation written out, and the same date last year where last year is in the install."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.signin import api_client, page_client
from tests.support import DATA, batch, load_changli, pay
from tracker.cli import app
from tracker.db import session_scope
from tracker.models import Project
from tracker.reports.service import ranking, same_day_last_year
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.targets.service import import_targets

WAN = 1_000_000
JUNE_30 = date(2024, 6, 30)
# one payment per unit, on a project of that unit, dated 15 June 2024 (万元)
PAID = {
    ("314001", "13032224P00XC0610101R"): "1204.50",  # 城乡低保
    ("323012", "13032224P00200410105A"): "3012.50",  # 城乡居民基础养老金
    ("327001", "13032224P00H8P810059C"): "608.00",  # 造林绿化
    ("360001", "13032224P002R2X10071K"): "44.295",  # 义务教育公用经费
}
# Hand computation at 30 June 2024 (every project of these units has a 6月底 checkpoint at 50%):
#   unit    budget 万元                               planned = 50%   paid      执行/计划  执行率   −时间进度 50%
#   323012  180+5475+300+70             = 6025.00     3012.50        3012.50   1.0000     50.00%   +0.00
#   327001  20+1500                     = 1520.00      760.00         608.00   0.8000     40.00%  −10.00
#   314001  180+270+1400+10+40+60+5+50+2000 = 4015.00 2007.50        1204.50   0.6000     30.00%  −20.00
#   360001  20+32+26+94.93+4.25         =  177.18       88.59          44.295  0.5000     25.00%  −25.00
#   the other 9 units paid nothing: 0.0000, 0.00%, −50.00, all ranked 5th (a tie shares its rank)
HAND = [
    (1, "323012", Decimal("1.0000"), Decimal("50.00"), Decimal("0.00")),
    (2, "327001", Decimal("0.8000"), Decimal("40.00"), Decimal("-10.00")),
    (3, "314001", Decimal("0.6000"), Decimal("30.00"), Decimal("-20.00")),
    (4, "360001", Decimal("0.5000"), Decimal("25.00"), Decimal("-25.00")),
]
OTHERS = ["320001", "323010", "326001", "357001", "357004", "357005", "360004", "361001", "450005"]


def pay_june(session: Session, year: int = 2024, scale: Decimal = Decimal(1)) -> None:
    b = batch(session)
    for (dept, code), wan in PAID.items():
        p = session.exec(
            select(Project).where(Project.dept_code == dept, Project.code == code, Project.year == year)
        ).one()
        pay(session, p, int(Decimal(wan) * scale * WAN), date(year, 6, 15), b)
    session.flush()


def test_the_changli_units_at_30_june_rank_as_the_hand_computation(session: Session) -> None:
    load_changli(session)
    pay_june(session)
    r = ranking(rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=JUNE_30)
    assert r.time_progress_pct == Decimal("50.00")
    top = [(x.rank, x.key, x.plan_ratio, x.execution_pct, x.time_gap_pts) for x in r.rows[:4]]
    assert top == HAND
    assert [(x.rank, x.key) for x in r.rows[4:]] == [(5, k) for k in OTHERS]
    assert all(x.plan_ratio == 0 and x.time_gap_pts == Decimal("-50.00") for x in r.rows[4:])
    assert r.rows[2].budget_fen == 4015 * WAN and r.rows[2].planned_fen == int(Decimal("2007.50") * WAN)
    assert r.rows[2].name == "昌黎县民政局本级"
    assert not r.has_last_year and all(x.last_year_pct is None and x.change_pts is None for x in r.rows)


def test_regions_add_up_their_units(session: Session) -> None:
    load_changli(session)
    pay_june(session)
    [region] = ranking(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=JUNE_30, by="region"
    ).rows
    assert (region.rank, region.key, region.projects) == (1, "130322", 44)
    assert region.budget_fen == int(Decimal("24596.12") * WAN)
    assert region.actual_fen == int(Decimal("4869.295") * WAN)  # 1204.50 + 3012.50 + 608.00 + 44.295
    assert region.execution_pct == Decimal("19.80")  # 4869.295 / 24596.12 = 19.797…%


def test_the_same_date_last_year_is_compared_where_last_year_is_in_the_install(session: Session) -> None:
    load_changli(session)
    import_targets(session=session, data=DATA.read_bytes(), filename=DATA.name, year=2023)
    pay_june(session)
    pay_june(session, year=2023, scale=Decimal("0.5"))  # half as much on 15 June 2023
    r = ranking(rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=JUNE_30)
    by_key = {x.key: x for x in r.rows}
    assert r.has_last_year
    # 314001 last year: 602.25 / 4015.00 = 15.00%; this year 30.00%: +15.00 points
    assert (by_key["314001"].last_year_pct, by_key["314001"].change_pts) == (Decimal("15.00"), Decimal("15.00"))
    assert (by_key["320001"].last_year_pct, by_key["320001"].change_pts) == (Decimal("0.00"), Decimal("0.00"))
    assert same_day_last_year(date(2024, 2, 29)) == date(2023, 2, 28)


def test_the_cli_writes_json_and_an_xlsx_ready_to_send(committed_db: Engine, tmp_path: Path) -> None:
    with session_scope() as session:
        load_changli(session)
        pay_june(session)
    out = CliRunner().invoke(app, ["report", "ranking", "--year", "2024", "--as-of", "2024-06-30", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [(i["rank"], i["code"], i["plan_ratio"]) for i in data["items"][:2]] == [
        (1, "323012", 1.0),
        (2, "327001", 0.8),
    ]
    target = tmp_path / "通报.xlsx"
    wrote = CliRunner().invoke(
        app, ["report", "ranking", "--year", "2024", "--as-of", "2024-06-30", "--out", str(target)]
    )
    assert wrote.exit_code == 0, wrote.output
    ws = load_workbook(target).active
    assert ws is not None
    assert ws["A1"].value == "2024年预算执行进度通报（按单位排名）"
    assert [ws.cell(4, c).value for c in (1, 2, 3, 8, 9)] == [1, "323012", "昌黎县农村养老保险服务中心", 1.0, 0.5]
    assert ws.max_row == 3 + 13
    bad = CliRunner().invoke(app, ["report", "ranking", "--year", "2024", "--as-of", "2024-06-30"])
    assert bad.exit_code == 2 and "二选一" in bad.output


def test_the_reports_page_draws_the_chart_and_links_the_workbook(committed_db: Engine) -> None:
    with session_scope() as session:
        load_changli(session)
        pay_june(session)
    html = page_client().get("/reports?year=2024&as_of=2024-06-30").text
    assert html.count("<rect") == 13 and 'data-code="323012"' in html and "ranking.xlsx?year=2024" in html
    unit = api_client("mz", "department", ("314001",))
    items = unit.get("/api/v1/reports/ranking", params={"year": 2024, "as_of": "2024-06-30"}).json()["items"]
    assert [(i["rank"], i["code"]) for i in items] == [(1, "314001")]  # a unit sees only its own
    xlsx = unit.get("/api/v1/reports/ranking.xlsx", params={"year": 2024, "as_of": "2024-06-30"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
