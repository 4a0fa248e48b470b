"""The read interface monitoring and evaluation use: withdrawn and superseded rows never count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from tracker.actuals.read import cumulative_paid, latest_results, result_history
from tracker.models import Indicator, IndicatorResult, Payment, Project, UploadBatch
from tracker.targets.service import import_targets


def setup(session: Session, data: bytes) -> tuple[Project, Indicator, int]:
    import_targets(session=session, data=data, filename="t.txt")
    project = session.exec(select(Project).where(Project.heading_no == 1)).one()
    ind = session.exec(select(Indicator).where(Indicator.project_id == project.id, Indicator.seq == 1)).one()
    batch = UploadBatch(filename="x.csv", sha256="0" * 64)
    session.add(batch)
    session.flush()
    assert batch.id is not None and project.id is not None
    return project, ind, batch.id


def test_cumulative_paid_sums_live_payments_up_to_the_date(session: Session, changli_bytes: bytes) -> None:
    project, _, batch = setup(session, changli_bytes)
    assert project.id is not None
    for day, fen, withdrawn in [(date(2024, 2, 1), 100, False), (date(2024, 3, 31), 50, False),
                                (date(2024, 3, 1), 999, True), (date(2024, 4, 1), 7, False)]:  # fmt: skip
        session.add(Payment(project_id=project.id, batch_id=batch, paid_on=day, amount_fen=fen, withdrawn=withdrawn))
    session.flush()
    assert cumulative_paid(session=session, project_ids=[project.id], as_of=date(2024, 3, 31)) == {project.id: 150}
    assert cumulative_paid(session=session, project_ids=[project.id]) == {project.id: 157}


def test_latest_result_ignores_superseded_and_later_reports(session: Session, changli_bytes: bytes) -> None:
    project, ind, batch = setup(session, changli_bytes)
    assert ind.id is not None and project.id is not None
    rows = [
        (date(2024, 3, 31), "1000人", False),
        (date(2024, 3, 31), "1200人", True),
        (date(2024, 6, 30), "2600人", True),
    ]
    for day, text, current in rows:
        session.add(IndicatorResult(indicator_id=ind.id, batch_id=batch, as_of=day, actual_text=text,
                                    actual_value=Decimal(text[:-1]), is_current=current))  # fmt: skip
    session.flush()
    march = latest_results(session=session, project_ids=[project.id], as_of=date(2024, 3, 31))
    assert march[ind.id].actual_text == "1200人"
    assert latest_results(session=session, project_ids=[project.id])[ind.id].actual_value == Decimal(2600)
    assert len(result_history(session=session, project_ids=[project.id])[ind.id]) == 2
