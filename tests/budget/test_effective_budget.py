"""The effective budget everywhere (DOMAIN.md §3, §5): plan, execution rate, variance output, self-evaluation."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from sqlmodel import Session

from tests.budget.test_budget_versions import JULY_1, P1, adjust
from tests.support import WAN, batch, load_changli, project
from tracker.core.budget import ChangeKind
from tracker.core.plan import planned_fen
from tracker.evaluation.schemas import Funds
from tracker.evaluation.selfeval import write_project_workbook
from tracker.evaluation.service import evaluate
from tracker.models import Payment
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.schemas import variance_out
from tracker.monitoring.service import project_variances
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.targets.loading import load_core


def measured(session: Session, day: date) -> ProjectVariance:
    p = project(session, P1)
    rows = project_variances(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, as_of=day, dept_code=P1[0]
    )
    return next(v for v in rows if v.project_id == p.id)


def test_an_adjustment_on_1_july_raises_the_plan_from_that_date_and_not_before(session: Session) -> None:
    load_changli(session)
    adjust(session, 100 * WAN)
    before, after = measured(session, date(2024, 6, 30)), measured(session, JULY_1)
    p = project(session, P1)
    [data] = [d for q, d in load_core(session=session, scope=Scope.everything(), year=2024) if q.id == p.id]
    assert before.spend.budget_fen == 180 * WAN
    assert before.spend.planned_fen == planned_fen(budget_fen=180 * WAN, plan=data.plan, as_of=date(2024, 6, 30))
    assert after.spend.budget_fen == 280 * WAN
    assert after.spend.planned_fen == planned_fen(budget_fen=280 * WAN, plan=data.plan, as_of=JULY_1)
    out = variance_out(after)
    assert (out.region_code, out.initial_wan, out.budget_wan) == ("130322", "180.00", "280.00")


def test_the_self_evaluation_shows_initial_and_year_end_budgets_and_a_carry_over_row(session: Session) -> None:
    load_changli(session)
    adjust(session, 100 * WAN)
    adjust(session, 20 * WAN, on=date(2024, 1, 1), kind=ChangeKind.CARRYOVER)
    p = project(session, P1)
    assert p.id is not None
    b = batch(session)
    session.add(Payment(project_id=p.id, batch_id=b, paid_on=date(2024, 3, 1), amount_fen=150 * WAN))
    session.add(Payment(project_id=p.id, batch_id=b, paid_on=date(2024, 2, 1), amount_fen=10 * WAN, source="上年结转"))
    session.flush()
    [ev] = evaluate(rules=load_rules(), session=session, scope=Scope.everything(), project_id=p.id)
    assert ev.initial == Funds(180 * WAN, 180 * WAN, 0, 0)
    assert ev.budget == Funds(300 * WAN, 280 * WAN, 20 * WAN, 0)  # 全年预算数 = effective at 31 December
    assert ev.executed == Funds(160 * WAN, 150 * WAN, 10 * WAN, 0)
    assert ev.execution_rate is not None and abs(ev.execution_rate - Decimal(160) / Decimal(300)) < Decimal("0.0001")
    buffer = io.BytesIO()
    write_project_workbook(buffer, ev)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet is not None
    money = {sheet[f"B{r}"].value: [sheet[f"{c}{r}"].value for c in "DEF"] for r in range(6, 10)}
    assert money["年度资金总额"] == [180, 300, 160]
    assert money["其中：本年财政拨款"] == [180, 280, 150]
    assert money["上年结转资金"] == [0, 20, 10]
    assert money["其他资金"] == [0, 0, 0]
