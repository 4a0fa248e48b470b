"""Demo actuals for the screenshots: payments at varied paces, and mid-year results for one unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from tracker.core.plan import planned_fen
from tracker.core.project import Checkpoint
from tracker.models import Indicator, IndicatorResult, Payment, PlanCheckpoint, Project, UploadBatch

PACES = [Decimal("1.0"), Decimal("0.9"), Decimal("0.7"), Decimal("0.45"), Decimal(0), Decimal("1.05")]
FACTORS = [Decimal("1.04"), Decimal("0.85"), Decimal("0.7"), Decimal("0.5")]
JUNE = date(2024, 6, 30)


def add_demo(session: Session) -> None:
    """Payments for every project (a different pace each) and results for 314001's indicators."""
    batch = UploadBatch(filename="2024年第二季度支付明细.xlsx", sha256="d" * 64, uploaded_by="mz")
    session.add(batch)
    session.flush()
    assert batch.id is not None
    projects = list(session.exec(select(Project).order_by(col(Project.heading_no))))
    for n, p in enumerate(projects):
        assert p.id is not None
        plan = [Checkpoint(c.month, c.cumulative_pct) for c in
                session.exec(select(PlanCheckpoint).where(PlanCheckpoint.project_id == p.id))]  # fmt: skip
        target = int(planned_fen(budget_fen=p.budget_fen, plan=plan, as_of=JUNE, year=2024) * PACES[n % len(PACES)])
        for day, share in ((date(2024, 3, 15), Decimal("0.4")), (date(2024, 6, 15), Decimal("0.6"))):
            fen = int(target * share) // 100 * 100
            if fen > 0:
                session.add(Payment(project_id=p.id, batch_id=batch.id, paid_on=day, amount_fen=fen, note="拨付"))
    results = select(Indicator).join(Project, col(Project.id) == col(Indicator.project_id))
    for i in session.exec(results.where(Project.dept_code == "314001")):
        assert i.id is not None
        factor = FACTORS[i.seq % len(FACTORS)]
        if i.kind == "qualitative" or i.value is None:
            row = IndicatorResult(indicator_id=i.id, batch_id=batch.id, as_of=JUNE, actual_text="达成年度指标",
                                  grade="达成年度指标", likelihood="确定能")  # fmt: skip
        else:
            value = (i.value * (factor if i.comparator not in ("le", "lt") else Decimal("0.9"))).quantize(
                Decimal("0.01")
            )
            lagging = factor < Decimal("0.8") and i.comparator not in ("le", "lt")
            row = IndicatorResult(
                indicator_id=i.id,
                batch_id=batch.id,
                as_of=JUNE,
                actual_text=f"{value.normalize():f}{i.unit or ''}",
                actual_value=value,
                likelihood="有可能" if lagging else "确定能",
                reason_category="经费保障" if lagging else None,
                reason="上级资金下达较晚，部分资金尚未拨付" if lagging else "",
                measures="加快资金拨付，下季度集中发放" if lagging else "",
            )
        session.add(row)


def add_demo_activity() -> None:
    """After the demo data is committed: contacts, the jobs that decide alerts, and quarters to review."""
    from jobs.runner import run_job
    from tracker.actuals.approvals import approve_submissions, submit_quarter
    from tracker.alerts.contacts import set_contacts
    from tracker.auth.principal import principal_for
    from tracker.db import session_scope

    with session_scope() as session:
        set_contacts(session=session, dept_code=None, emails=["jixiao@czj.example.gov.cn"])
        for code in ("314001", "320001", "360001", "361001"):
            set_contacts(session=session, dept_code=code, emails=[f"caiwu-{code}@example.gov.cn"])
        admin = principal_for(username="admin", role="admin", units=frozenset())
        subs = [
            submit_quarter(
                session=session,
                principal=principal_for(username=f"u{code}", role="department", units=frozenset({("130322", code)})),
                dept_code=code,
                year=2024,
                quarter=quarter,
            )
            for code, quarter in (("314001", 1), ("314001", 2), ("320001", 2), ("360001", 2), ("361001", 2))
        ]
        approve_submissions(session=session, principal=admin, ids=[subs[0].id], comment="同意")
    run_job("variance", as_of=JUNE)
    run_job("alerts", as_of=date(2024, 7, 1))
