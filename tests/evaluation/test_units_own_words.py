"""The unit's own words and forecasts in the mid-year table and the self-evaluation (issue 11 item 4).

DOMAIN.md §3: the year-end forecast is "the unit's own forecast where it gave one … otherwise …
marked （测算）"; §4: an indicator's forecast is "the unit's own 全年预计完成值 where given"; the
self-evaluation's 实际完成情况 is the unit's own account (upload sheet 项目) instead of a generated sentence.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.evaluation.yearend import load, pay, report, sheet
from tracker.core.money import parse_wan
from tracker.evaluation.service import evaluate
from tracker.models import IndicatorResult, Project, ProjectReport
from tracker.monitoring.export import export_monitoring
from tracker.monitoring.midyear import monitoring_projects
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import DirSink, project_file

RULES = load_rules()

JUNE = date(2024, 6, 30)
WORDS = "上半年已为1300名残疾人发放补贴，下半年按月发放。"


def own_report(session: Session, batch: int, p: Project, on: date, forecast_wan: str | None, words: str) -> None:
    assert p.id is not None
    fen = parse_wan(forecast_wan) if forecast_wan is not None else None
    session.add(ProjectReport(project_id=p.id, batch_id=batch, as_of=on, forecast_fen=fen, narrative=words))
    session.flush()


def test_the_mid_year_table_shows_the_units_own_spending_forecast_and_words(
    session: Session, changli_bytes: bytes, tmp_path: Path
) -> None:
    projects, batch = load(session, changli_bytes)
    p = projects[1]  # 180 万元
    pay(session, batch, p, date(2024, 3, 31), "100")
    own_report(session, batch, p, JUNE, "150", WORDS)
    export_monitoring(
        session=session, scope=Scope.everything(), year=2024, through_month=6, sink=DirSink(tmp_path), rules=RULES
    )
    ws = sheet(tmp_path / project_file(p.dept_code, p.code, p.name))
    assert ws["I6"].value == 150 and "测算" not in ws["I6"].number_format  # the unit's own, not estimated
    assert ws["J6"].value == pytest.approx(150 / 180)
    assert (ws["A10"].value, ws["B10"].value) == ("实际完成情况", WORDS)
    assert ws["B11"].value == "一级指标"  # the indicator block follows the unit's words


def test_without_the_units_forecast_the_mid_year_table_estimates_it_and_says_so(
    session: Session, changli_bytes: bytes
) -> None:
    projects, batch = load(session, changli_bytes)
    p = projects[1]
    pay(session, batch, p, date(2024, 3, 31), "100")
    own_report(session, batch, p, date(2024, 7, 15), "150", WORDS)  # after the cut-off: not yet known on 30 June
    [mp] = monitoring_projects(
        session=session, scope=Scope.everything(), year=2024, through_month=6, project_id=p.id, rules=RULES
    )
    assert (mp.forecast_fen, mp.forecast_estimated, mp.narrative) == (parse_wan("180"), True, "")


def test_an_indicators_forecast_is_the_units_own_full_year_value_first(session: Session, changli_bytes: bytes) -> None:
    projects, batch = load(session, changli_bytes)
    p = projects[1]
    report(session, batch, p, 1, "1300人", value="1300", as_of=JUNE)  # the estimate would be 2600 (1300 / 50%)
    row = session.exec(select(IndicatorResult)).one()
    row.forecast_text, row.forecast_value = "2400人", Decimal(2400)
    session.flush()
    [mp] = monitoring_projects(
        session=session, scope=Scope.everything(), year=2024, through_month=6, project_id=p.id, rules=RULES
    )
    first = next(r for r in mp.rows if r.seq == 1)
    assert (first.forecast, first.forecast_estimated) == (Decimal(2400), False)


def test_the_self_evaluation_uses_the_units_own_account_of_what_was_achieved(
    session: Session, changli_bytes: bytes
) -> None:
    projects, batch = load(session, changli_bytes)
    own, other = projects[1], projects[2]
    own_report(session, batch, own, date(2024, 12, 31), None, WORDS)
    by_id = {e.project_id: e for e in evaluate(session=session, scope=Scope.everything(), year=2024, rules=RULES)}
    assert by_id[own.id or 0].achieved_text == WORDS
    assert by_id[other.id or 0].achieved_text.startswith("全年预算执行率")  # no words given: the generated sentence
