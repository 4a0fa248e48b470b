"""Budget versions (DOMAIN.md §3): recorded changes, kept across a re-import, and what payments may reach."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay, rejected, upload
from tests.support import DATA, WAN, load_changli, project
from tracker.budget.service import load_budgets, record_budget_change, show_budgets
from tracker.core.budget import ChangeKind, FundingSource
from tracker.errors import InvalidInput
from tracker.models import AuditEntry
from tracker.scope import Scope
from tracker.targets.service import import_targets

P1 = ("314001", "13032224P00XC0610104L")  # 180 万元
JULY_1 = date(2024, 7, 1)


def adjust(session: Session, amount_fen: int, on: date = JULY_1, kind: ChangeKind = ChangeKind.ADJUSTMENT) -> None:
    p = project(session, P1)
    assert p.id is not None
    source = FundingSource.CARRYOVER if kind == ChangeKind.CARRYOVER else FundingSource.CURRENT
    record_budget_change(session=session, project_id=p.id, kind=kind, amount_fen=amount_fen, on=on,
                         doc="昌财预〔2024〕12号", reason="追加低保资金", source=source, by="finance")  # fmt: skip
    session.flush()


def test_an_adjustment_raises_the_budget_from_its_date_and_is_audited(session: Session) -> None:
    load_changli(session)
    adjust(session, 100 * WAN)
    p = project(session, P1)
    b = load_budgets(session=session, projects=[p])[p.id or 0]
    assert (b.initial_fen, b.on(date(2024, 6, 30)), b.on(JULY_1)) == (180 * WAN, 180 * WAN, 280 * WAN)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "budget.change")).one()
    assert (entry.project_id, entry.old, entry.new, entry.actor) == (p.id, "180.00", "280.00", "finance")
    assert "昌财预〔2024〕12号" in entry.note and "追加低保资金" in entry.note


def test_a_reimport_of_the_published_table_changes_the_initial_figure_only(session: Session) -> None:
    load_changli(session)
    adjust(session, 100 * WAN)
    changed = DATA.read_bytes().replace(b"\t180.00\n", b"\t200.00\n", 1)
    assert changed != DATA.read_bytes()
    import_targets(session=session, data=changed, filename="changed.txt")
    session.flush()
    [(p, b, rows)] = show_budgets(session=session, scope=Scope.everything(), year=2024, code=P1[1])
    assert (p.budget_fen, b.initial_fen, b.year_end(2024), len(rows)) == (200 * WAN, 200 * WAN, 300 * WAN, 1)


def test_payments_may_reach_the_effective_budget_but_not_pass_it(session: Session) -> None:
    load_changli(session)
    over_published = csv_bytes(PAY_ZH, [pay(day="2024-03-05", amount="250", code=P1[1])])
    [issue] = rejected(session, over_published)
    assert "超过项目预算 180.00 万元" in issue.message
    adjust(session, 100 * WAN)
    assert upload(session, over_published).status == "applied"
    beyond = csv_bytes(PAY_ZH, [pay(day="2024-03-06", amount="30.01", code=P1[1])])
    [issue] = rejected(session, beyond)
    assert "超过项目预算 280.00 万元" in issue.message


def test_a_change_that_would_make_the_budget_negative_or_falls_outside_the_year_is_refused(session: Session) -> None:
    load_changli(session)
    with pytest.raises(InvalidInput, match="负数"):
        adjust(session, -181 * WAN)
    with pytest.raises(InvalidInput, match="不在项目年度"):
        adjust(session, 10 * WAN, on=date(2025, 1, 1))
    adjust(session, 20 * WAN, on=date(2023, 12, 31), kind=ChangeKind.CARRYOVER)  # last year's money
    p = project(session, P1)
    assert load_budgets(session=session, projects=[p])[p.id or 0].on(date(2024, 1, 1)) == 200 * WAN
