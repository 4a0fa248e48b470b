"""The dashboard of a province: past `dashboard_live_limit` projects it reads snapshots, in SQL, one page at a time."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.actuals.helpers import ADMIN
from tests.signin import load_changli, page_client
from tracker.actuals import service as actuals
from tracker.config import get_settings
from tracker.db import session_scope
from tracker.demo.generate import Options, generate
from tracker.monitoring import board, selection
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.targets.service import import_targets
from tracker.web.overview import overview

ROW = re.compile(r'<tr data-light="(\w+)">\s*<td>(\d*)</td>')
COUNT = re.compile(r'data-count="(\w+)">(\d+)<')


def _view(html: str) -> tuple[dict[str, str], list[tuple[str, str]], list[str]]:
    totals = re.findall(r"<div><span>[^<]+</span><b>([^<]+)</b></div>", html)
    return dict(COUNT.findall(html)), ROW.findall(html), totals


def _snapshots(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    monkeypatch.setenv("TRACKER_DASHBOARD_LIVE_LIMIT", "10" if on else "100000")
    get_settings.cache_clear()


@pytest.mark.parametrize("sort", ["no", "budget", "ratio", "light"])
def test_snapshots_show_the_same_counts_totals_and_rows_as_measuring_live(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    load_changli()
    client = page_client()
    url = f"/?year=2024&as_of=2024-06-30&sort={sort}&desc=1"
    _snapshots(monkeypatch, False)
    live = _view(client.get(url).text)
    _snapshots(monkeypatch, True)
    read = _view(client.get(url).text)
    assert read == live and len(live[1]) == 44
    assert _view(client.get(url).text) == live  # the second view reads what the first one stored


def test_an_upload_after_the_snapshot_is_measured_again_on_the_next_view(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_changli()
    _snapshots(monkeypatch, True)
    client = page_client()
    url = "/?year=2024&as_of=2024-03-31"
    before = dict(COUNT.findall(client.get(url).text))
    csv = "单位编码,项目编码,支付日期,金额（万元）\n314001,13032224P00XC0610104L,2024-03-20,45\n".encode()
    with session_scope() as session:  # 180 万元 with 25% planned by March: now on plan
        actuals.upload(rules=load_rules(), session=session, source=csv, filename="p.csv", principal=ADMIN)
    after = dict(COUNT.findall(client.get(url).text))
    assert int(after["green"]) == int(before["green"]) + 1 and int(after["red"]) == int(before["red"]) - 1


def test_a_province_admin_sees_a_line_per_region_and_drills_down(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    manifest = generate(options=Options(counties=3, seed=2, projects=6), out=tmp_path)
    with session_scope() as session:
        for county in manifest["counties"]:  # type: ignore[attr-defined]
            import_targets(session=session, data=(tmp_path / county["targets"]).read_bytes(), filename="t.txt")
    _snapshots(monkeypatch, True)
    client = page_client()
    html = client.get("/?year=2024&as_of=2024-06-30").text
    regions = re.findall(r'<tr data-region="(\d+)">', html)
    assert regions == ["130150", "130250", "130350"] and len(ROW.findall(html)) == 18
    one = client.get("/?year=2024&as_of=2024-06-30&region=130250").text
    assert len(ROW.findall(one)) == 6 and "唐山市" in one


def test_pages_split_the_sorted_selection_and_count_it_whole(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support import load_changli as load

    load(session)
    _snapshots(monkeypatch, True)
    day = date(2024, 6, 30)
    first = overview(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=day, sort="budget", limit=10
    )
    second = overview(
        rules=load_rules(),
        session=session,
        scope=Scope.everything(),
        year=2024,
        as_of=day,
        sort="budget",
        limit=10,
        offset=10,
    )
    assert len(first.rows) == len(second.rows) == 10 and first.shown == second.shown == 44
    budgets = [r.budget_fen for r in first.rows + second.rows]
    assert budgets == sorted(budgets) and not {r.id for r in first.rows} & {r.id for r in second.rows}
    unit = overview(
        rules=load_rules(),
        session=session,
        scope=Scope.of_units([("130322", "314001")]),
        year=2024,
        as_of=day,
        limit=10,
    )
    assert unit.total == 9 and {r.dept_code for r in unit.rows} == {"314001"}


def test_the_page_query_can_use_the_snapshot_index_on_postgresql(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    sel = selection.Selection(Scope.everything(), 2024, date(2024, 6, 30))
    session.execute(text("SET LOCAL enable_seqscan = off"))  # the tables are tiny here: ask which plan is possible
    page = board._light(board._joined(sel, board.P.id, board.S.overall_light), "red").limit(100)
    sql = str(page.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    plan = "\n".join(r[0] for r in session.execute(text("EXPLAIN " + sql)))
    assert "variance_snapshot" in plan and "Index" in plan and "Seq Scan on variance_snapshot" not in plan
